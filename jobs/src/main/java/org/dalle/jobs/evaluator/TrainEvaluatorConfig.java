package org.dalle.jobs.evaluator;

import static org.dalle.jobs.config.ConfigChecks.atLeast;
import static org.dalle.jobs.config.ConfigChecks.nonNegative;
import static org.dalle.jobs.config.ConfigChecks.positive;
import static org.dalle.jobs.config.ConfigChecks.unitInterval;

import java.io.Serializable;
import org.dalle.evaluation.evaluator.EvaluatorConfig;

/**
 * Everything {@code dalle train-evaluator} needs, resolved from a YAML file under {@code
 * configs/evaluator/} and command-line flags. Keys are snake_case.
 *
 * @param data the prepare output directory (holding {@code images/*.avro} of the synthetic source)
 * @param out the run directory (checkpoints, metrics, evaluation, export)
 * @param model the network's shape
 * @param batchSize images per update
 * @param steps updates in the whole run
 * @param learningRate initial AdamW learning rate, decayed by a cosine to {@code finalLearningRate}
 * @param finalLearningRate learning rate at the last update
 * @param adamBeta1 AdamW β₁
 * @param adamBeta2 AdamW β₂
 * @param adamEpsilon AdamW ε
 * @param weightDecay decoupled weight decay of weight matrices and kernels (not biases)
 * @param validationFraction share of the {@code train} split held out for accuracy and the
 *     real-vs-real FID, chosen by a hash of each record's id (so it does not depend on the seed)
 * @param evalEvery updates between held-out accuracy lines in {@code metrics.jsonl}
 * @param checkpointEvery updates between checkpoints (one is also written at the end and on a stop)
 * @param keepCheckpoints how many of the newest checkpoints to keep
 * @param seed seed of initialisation and data order
 * @param threads intra-op CPU threads of the engine (0: the engine's default)
 */
public record TrainEvaluatorConfig(
    String data,
    String out,
    EvaluatorConfig model,
    int batchSize,
    long steps,
    double learningRate,
    double finalLearningRate,
    double adamBeta1,
    double adamBeta2,
    double adamEpsilon,
    double weightDecay,
    double validationFraction,
    long evalEvery,
    long checkpointEvery,
    int keepCheckpoints,
    long seed,
    int threads)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The tiny network with common AdamW settings; {@code data} and {@code out} are unset. */
  public static TrainEvaluatorConfig defaults() {
    return new TrainEvaluatorConfig(
        "",
        "",
        EvaluatorConfig.tiny(),
        64,
        1500,
        2e-3,
        2e-5,
        0.9,
        0.999,
        1e-8,
        1e-4,
        0.1,
        250,
        500,
        2,
        0,
        0);
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
    if (out == null || out.isBlank()) {
      throw new IllegalArgumentException(
          "out is not set; expected the run directory (e.g. --out runs/x/evaluator)");
    }
    if (model == null) {
      throw new IllegalArgumentException("model is not set; expected the evaluator's sizes");
    }
    model.validate();
    atLeast("batch_size", batchSize, 1);
    atLeast("steps", steps, 1);
    atLeast("eval_every", evalEvery, 1);
    atLeast("checkpoint_every", checkpointEvery, 1);
    atLeast("keep_checkpoints", keepCheckpoints, 1);
    atLeast("threads", threads, 0);
    positive("learning_rate", learningRate);
    nonNegative("final_learning_rate", finalLearningRate);
    nonNegative("weight_decay", weightDecay);
    positive("adam_epsilon", adamEpsilon);
    unitInterval("adam_beta1", adamBeta1);
    unitInterval("adam_beta2", adamBeta2);
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validation_fraction is "
              + validationFraction
              + "; expected a share strictly between 0 and 1, such as 0.1");
    }
    return this;
  }
}
