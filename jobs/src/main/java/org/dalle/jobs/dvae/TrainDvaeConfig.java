package org.dalle.jobs.dvae;

import static org.dalle.jobs.config.ConfigChecks.atLeast;
import static org.dalle.jobs.config.ConfigChecks.nonNegative;
import static org.dalle.jobs.config.ConfigChecks.positive;
import static org.dalle.jobs.config.ConfigChecks.unitInterval;

import java.io.Serializable;
import org.dalle.jobs.config.Inline;
import org.dalle.jobs.train.AdamWSettings;
import org.dalle.jobs.train.TrainingSettings;
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
 * @param model the dVAE's shape
 * @param training out, batch_size (images), steps, checkpoint_every, keep_checkpoints, seed (of
 *     initialisation, data order, flips and Gumbel noise) and threads, at the top level of the file
 * @param learningRate initial AdamW learning rate (paper: 1e-4)
 * @param finalLearningRate learning rate at the last update (paper: 1.25e-6)
 * @param optimizer adam_beta1, adam_beta2, adam_epsilon and weight_decay (of convolution weights),
 *     at the top level of the file (paper: 0.9, 0.999, 1e-8, 1e-4)
 * @param tauStart initial Gumbel-softmax temperature (paper: 1)
 * @param tauEnd final temperature (paper: 1/16)
 * @param tauSteps updates over which τ anneals
 * @param klWeight final KL weight β (paper: 6.6)
 * @param klWeightSteps updates over which β rises from 0 (paper: 5000)
 * @param usageKlWeight weight of the KL of the batch's mean posterior from uniform, on top of β's
 *     KL term and on the same schedule (0, the paper's loss, turns it off): it keeps codes in use
 *     without pushing each position's posterior towards uniform; see {@code
 *     UniformPriorKl.ofMeanPosterior}
 * @param likelihood the reconstruction term: {@code logit_laplace} (the paper's) or {@code
 *     gaussian} (see {@link PixelLikelihood} for when and why)
 * @param gaussianSigma the Gaussian likelihood's standard deviation in pixel units
 * @param emaDecay decay of the parameter EMA that is evaluated and exported (paper: 0.999)
 * @param flip mirror each image left-right with probability 1/2 (drawn per epoch and example)
 * @param randomCrop take each training window at a random offset of images prepared larger than
 *     {@code model.image_size} (the centre window otherwise, and always for the figure)
 * @param reconstructionImages images held out of training and shown in {@code reconstructions.png}
 * @param reconstructionCheckImages images of the synthetic source's held-out split checked at the
 *     end of the run ({@link ReconstructionCheck}: does every object keep its colour and shape
 *     through the EMA dVAE?), written to {@code reconstruction_check.json} and {@code .png}; 0
 *     turns the check off. Needs data prepared from a {@code synthetic:} source (its {@code
 *     run.json} names the seed and held-out pairs); other data skips the check with a message
 */
public record TrainDvaeConfig(
    String data,
    DvaeConfig model,
    @Inline TrainingSettings training,
    double learningRate,
    double finalLearningRate,
    @Inline AdamWSettings optimizer,
    double tauStart,
    double tauEnd,
    long tauSteps,
    double klWeight,
    long klWeightSteps,
    double usageKlWeight,
    String likelihood,
    double gaussianSigma,
    double emaDecay,
    boolean flip,
    boolean randomCrop,
    int reconstructionImages,
    int reconstructionCheckImages)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The paper's hyper-parameters on the tiny model; {@code data} and {@code out} are unset. */
  public static TrainDvaeConfig defaults() {
    return new TrainDvaeConfig(
        "",
        DvaeConfig.tiny(),
        new TrainingSettings("", 64, 10_000, 1_000, 3, 0, 0, 0, 0),
        1e-4,
        1.25e-6,
        new AdamWSettings(0.9, 0.999, 1e-8, 1e-4),
        1.0,
        1.0 / 16,
        10_000,
        6.6,
        5_000,
        0.0,
        "logit_laplace",
        0.1,
        0.999,
        true,
        true,
        8,
        256);
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
    if (training == null) {
      throw new IllegalArgumentException("training settings are not set; expected out and steps");
    }
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer settings are not set; expected adam_beta1");
    }
    optimizer.validate();
    training.validate("dvae", 1);
    if (model == null) {
      throw new IllegalArgumentException("model is not set; expected the dVAE's sizes");
    }
    model.validate();
    atLeast("tau_steps", tauSteps, 1);
    atLeast("kl_weight_steps", klWeightSteps, 1);
    atLeast("reconstruction_images", reconstructionImages, 1);
    atLeast("reconstruction_check_images", reconstructionCheckImages, 0);
    positive("learning_rate", learningRate);
    nonNegative("final_learning_rate", finalLearningRate);
    nonNegative("kl_weight", klWeight);
    nonNegative("usage_kl_weight", usageKlWeight);
    positive("tau_start", tauStart);
    positive("tau_end", tauEnd);
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
