package org.dalle.jobs.indomain;

import static org.dalle.jobs.config.ConfigChecks.atLeast;
import static org.dalle.jobs.config.ConfigChecks.nonNegative;
import static org.dalle.jobs.config.ConfigChecks.positive;

import java.io.Serializable;
import org.dalle.evaluation.indomain.EvaluatorConfig;
import org.dalle.jobs.config.Inline;
import org.dalle.jobs.train.AdamWSettings;
import org.dalle.jobs.train.TrainingSettings;

/**
 * Everything {@code dalle train-evaluator} needs, resolved from a YAML file under {@code
 * configs/evaluator/} and command-line flags. Keys are snake_case.
 *
 * @param data the prepare output directory (holding {@code images/*.avro} of the synthetic source)
 * @param model the network's shape
 * @param training out, batch_size (images), steps, checkpoint_every, keep_checkpoints, seed (of
 *     initialisation and data order) and threads, at the top level of the file
 * @param learningRate initial AdamW learning rate, decayed by a cosine to {@code finalLearningRate}
 * @param finalLearningRate learning rate at the last update
 * @param optimizer adam_beta1, adam_beta2, adam_epsilon and weight_decay (of weight matrices and
 *     kernels, not biases), at the top level of the file
 * @param validationFraction share of the {@code train} split held out for accuracy and the
 *     real-vs-real FID, chosen by a hash of each record's id (so it does not depend on the seed)
 * @param evalEvery updates between held-out accuracy lines in {@code metrics.jsonl}
 */
public record TrainEvaluatorConfig(
    String data,
    EvaluatorConfig model,
    @Inline TrainingSettings training,
    double learningRate,
    double finalLearningRate,
    @Inline AdamWSettings optimizer,
    double validationFraction,
    long evalEvery)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The tiny network with common AdamW settings; {@code data} and {@code out} are unset. */
  public static TrainEvaluatorConfig defaults() {
    return new TrainEvaluatorConfig(
        "",
        EvaluatorConfig.tiny(),
        new TrainingSettings("", 64, 1500, 500, 2, 0, 0, 0, 0),
        2e-3,
        2e-5,
        new AdamWSettings(0.9, 0.999, 1e-8, 1e-4),
        0.1,
        250);
  }

  /**
   * @return this config
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public TrainEvaluatorConfig validate() {
    if (data == null || data.isBlank()) {
      throw new IllegalArgumentException(
          "data is not set; expected the prepare output directory (e.g. --data runs/x/data)");
    }
    if (training == null) {
      throw new IllegalArgumentException("training settings are not set; expected out and steps");
    }
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer settings are not set; expected adam_beta1");
    }
    optimizer.validate();
    training.validate("evaluator", 1);
    if (model == null) {
      throw new IllegalArgumentException("model is not set; expected the evaluator's sizes");
    }
    model.validate();
    atLeast("eval_every", evalEvery, 1);
    positive("learning_rate", learningRate);
    nonNegative("final_learning_rate", finalLearningRate);
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validation_fraction is "
              + validationFraction
              + "; expected a share strictly between 0 and 1, such as 0.1");
    }
    return this;
  }
}
