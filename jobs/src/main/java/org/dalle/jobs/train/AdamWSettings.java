package org.dalle.jobs.train;

import static org.dalle.jobs.config.ConfigChecks.nonNegative;
import static org.dalle.jobs.config.ConfigChecks.positive;
import static org.dalle.jobs.config.ConfigChecks.unitInterval;

import java.io.Serializable;
import org.dalle.models.optim.AdamW;

/**
 * The AdamW settings every training job has, embedded in each {@code Train*Config} with their keys
 * at the top level of the YAML file ({@link org.dalle.jobs.config.Inline}).
 *
 * @param adamBeta1 AdamW β₁
 * @param adamBeta2 AdamW β₂
 * @param adamEpsilon AdamW ε
 * @param weightDecay decoupled weight decay
 */
public record AdamWSettings(
    double adamBeta1, double adamBeta2, double adamEpsilon, double weightDecay)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * @return these settings
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public AdamWSettings validate() {
    nonNegative("weight_decay", weightDecay);
    positive("adam_epsilon", adamEpsilon);
    unitInterval("adam_beta1", adamBeta1);
    unitInterval("adam_beta2", adamBeta2);
    return this;
  }

  /**
   * A new optimizer with these settings.
   *
   * @param weightsOnly decay weight matrices and kernels only, not biases, gains or embeddings
   */
  public AdamW build(boolean weightsOnly) {
    AdamW.Builder builder =
        AdamW.builder()
            .optBetas(adamBeta1, adamBeta2)
            .optEpsilon(adamEpsilon)
            .optWeightDecay(weightDecay);
    if (weightsOnly) {
      builder.optDecayFilter(AdamW.weightsOnly());
    }
    return builder.build();
  }
}
