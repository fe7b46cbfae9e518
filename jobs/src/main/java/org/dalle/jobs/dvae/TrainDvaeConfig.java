package org.dalle.jobs.dvae;

import static org.dalle.jobs.config.ConfigChecks.atLeast;
import static org.dalle.jobs.config.ConfigChecks.nonNegative;
import static org.dalle.jobs.config.ConfigChecks.positive;
import static org.dalle.jobs.config.ConfigChecks.unitInterval;

import java.io.Serializable;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.models.dvae.PixelLikelihood;

/**
 * Everything {@code dalle train-dvae} needs (section 2.1 and appendix A.2 of the paper), resolved
 * from a YAML file under {@code configs/dvae/} and command-line flags. Keys are snake_case.
 *
 * <p>Schedules count updates from 0: the learning rate decays from {@code learningRate} to {@code
 * finalLearningRate} over all {@code steps} (cosine), the Gumbel-softmax temperature anneals from
 * {@code tauStart} to {@code tauEnd} over {@code tauSteps} (cosine) and the KL weight β rises from
 * 0 to {@code klWeight} over {@code klWeightSteps} (cosine; the paper: 6.6 over 5000 updates).
 *
 * @param data the prepare output directory (holding {@code images/*.avro})
 * @param out the run directory (checkpoints, metrics, figure, export)
 * @param model the dVAE's shape
 * @param batchSize images per update
 * @param steps updates in the whole run
 * @param learningRate initial AdamW learning rate (paper: 1e-4)
 * @param finalLearningRate learning rate at the last update (paper: 1.25e-6)
 * @param adamBeta1 AdamW β₁ (paper: 0.9)
 * @param adamBeta2 AdamW β₂ (paper: 0.999)
 * @param adamEpsilon AdamW ε (paper: 1e-8)
 * @param weightDecay decoupled weight decay of convolution weights (paper: 1e-4)
 * @param tauStart initial Gumbel-softmax temperature (paper: 1)
 * @param tauEnd final temperature (paper: 1/16)
 * @param tauSteps updates over which τ anneals
 * @param klWeight final KL weight β (paper: 6.6)
 * @param klWeightSteps updates over which β rises from 0 (paper: 5000)
 * @param likelihood the reconstruction term: {@code logit_laplace} (the paper's) or {@code
 *     gaussian} (see {@link PixelLikelihood} for when and why)
 * @param gaussianSigma the Gaussian likelihood's standard deviation in pixel units
 * @param emaDecay decay of the parameter EMA that is evaluated and exported (paper: 0.999)
 * @param flip mirror each image left-right with probability 1/2 (drawn per epoch and example)
 * @param randomCrop take each training window at a random offset of images prepared larger than
 *     {@code model.image_size} (the centre window otherwise, and always for the figure)
 * @param checkpointEvery updates between checkpoints (one is also written at the end and on a stop)
 * @param keepCheckpoints how many of the newest checkpoints to keep
 * @param reconstructionImages images held out of training and shown in {@code reconstructions.png}
 * @param reconstructionCheckImages images of the synthetic source's held-out split checked at the
 *     end of the run ({@link ReconstructionCheck}: does every object keep its colour and shape
 *     through the EMA dVAE?), written to {@code reconstruction_check.json} and {@code .png}; 0
 *     turns the check off. Needs data prepared from a {@code synthetic:} source (its {@code
 *     run.json} names the seed and held-out pairs); other data skips the check with a message
 * @param seed seed of initialisation, data order, flips and Gumbel noise
 * @param threads intra-op CPU threads of the engine (0: the engine's default)
 */
public record TrainDvaeConfig(
    String data,
    String out,
    DvaeConfig model,
    int batchSize,
    long steps,
    double learningRate,
    double finalLearningRate,
    double adamBeta1,
    double adamBeta2,
    double adamEpsilon,
    double weightDecay,
    double tauStart,
    double tauEnd,
    long tauSteps,
    double klWeight,
    long klWeightSteps,
    String likelihood,
    double gaussianSigma,
    double emaDecay,
    boolean flip,
    boolean randomCrop,
    long checkpointEvery,
    int keepCheckpoints,
    int reconstructionImages,
    int reconstructionCheckImages,
    long seed,
    int threads)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The paper's hyper-parameters on the tiny model; {@code data} and {@code out} are unset. */
  public static TrainDvaeConfig defaults() {
    return new TrainDvaeConfig(
        "",
        "",
        DvaeConfig.tiny(),
        64,
        10_000,
        1e-4,
        1.25e-6,
        0.9,
        0.999,
        1e-8,
        1e-4,
        1.0,
        1.0 / 16,
        10_000,
        6.6,
        5_000,
        "logit_laplace",
        0.1,
        0.999,
        true,
        true,
        1_000,
        3,
        8,
        256,
        0,
        0);
  }

  /**
   * Checks that the settings make sense together.
   *
   * @return this config
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public TrainDvaeConfig validate() {
    if (data == null || data.isBlank()) {
      throw new IllegalArgumentException(
          "data is not set; expected the prepare output directory (e.g. --data runs/x/data)");
    }
    if (out == null || out.isBlank()) {
      throw new IllegalArgumentException(
          "out is not set; expected the run directory (e.g. --out runs/x/dvae)");
    }
    if (model == null) {
      throw new IllegalArgumentException("model is not set; expected the dVAE's sizes");
    }
    model.validate();
    atLeast("batch_size", batchSize, 1);
    atLeast("steps", steps, 1);
    atLeast("tau_steps", tauSteps, 1);
    atLeast("kl_weight_steps", klWeightSteps, 1);
    atLeast("checkpoint_every", checkpointEvery, 1);
    atLeast("keep_checkpoints", keepCheckpoints, 1);
    atLeast("reconstruction_images", reconstructionImages, 1);
    atLeast("reconstruction_check_images", reconstructionCheckImages, 0);
    atLeast("threads", threads, 0);
    positive("learning_rate", learningRate);
    nonNegative("final_learning_rate", finalLearningRate);
    nonNegative("weight_decay", weightDecay);
    nonNegative("kl_weight", klWeight);
    positive("adam_epsilon", adamEpsilon);
    positive("tau_start", tauStart);
    positive("tau_end", tauEnd);
    unitInterval("adam_beta1", adamBeta1);
    unitInterval("adam_beta2", adamBeta2);
    unitInterval("ema_decay", emaDecay);
    positive("gaussian_sigma", gaussianSigma);
    pixelLikelihood();
    return this;
  }

  /** The reconstruction term named by {@code likelihood}. */
  public PixelLikelihood pixelLikelihood() {
    if (likelihood == null) {
      throw new IllegalArgumentException(
          "likelihood is not set; expected logit_laplace (the paper's) or gaussian");
    }
    return PixelLikelihood.parse(likelihood, gaussianSigma);
  }
}
