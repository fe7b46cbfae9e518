package org.dalle.jobs.clip;

import static org.dalle.jobs.config.ConfigChecks.atLeast;
import static org.dalle.jobs.config.ConfigChecks.nonNegative;
import static org.dalle.jobs.config.ConfigChecks.positive;
import static org.dalle.jobs.config.ConfigChecks.unitInterval;

import java.io.Serializable;
import org.dalle.models.clip.ClipConfig;

/**
 * Everything {@code dalle train-clip} needs: the contrastive reranker of section 2.5 of the paper,
 * trained as CLIP (Radford et al. 2021), resolved from a YAML file under {@code configs/clip/} and
 * command-line flags. Keys are snake_case.
 *
 * <p>The learning rate warms up linearly to {@code learningRate} over {@code warmupSteps}, then
 * decays to {@code finalLearningRate} along half a cosine over the remaining updates.
 *
 * @param data the prepare output directory (holding {@code images/*.avro} and {@code
 *     tokenizer.json})
 * @param out the run directory (checkpoints, metrics, retrieval check, export)
 * @param model the contrastive model's shape; a {@code text_vocab_size} of 0 takes the tokenizer's
 * @param batchSize (image, caption) pairs per update: each is contrasted with the others
 * @param steps updates in the whole run
 * @param learningRate peak AdamW learning rate, after warm-up
 * @param finalLearningRate learning rate at the last update
 * @param warmupSteps updates of the linear warm-up
 * @param adamBeta1 AdamW β₁ (CLIP: 0.9)
 * @param adamBeta2 AdamW β₂ (CLIP: 0.98)
 * @param adamEpsilon AdamW ε (CLIP: 1e-6)
 * @param weightDecay decoupled weight decay of weight matrices only (CLIP: 0.2)
 * @param gradientClip global gradient-norm threshold; 0 turns clipping off
 * @param randomCrop take each training window at a random offset of images prepared larger than
 *     {@code model.image_size} (the centre window otherwise, and always for validation)
 * @param validationImages pairs held out of training for the retrieval check at the end
 * @param checkpointEvery updates between checkpoints (one is also written at the end and on a stop)
 * @param keepCheckpoints how many of the newest checkpoints to keep
 * @param seed seed of initialisation, data order and crops
 * @param threads intra-op CPU threads of the engine (0: the engine's default)
 */
public record TrainClipConfig(
    String data,
    String out,
    ClipConfig model,
    int batchSize,
    long steps,
    double learningRate,
    double finalLearningRate,
    long warmupSteps,
    double adamBeta1,
    double adamBeta2,
    double adamEpsilon,
    double weightDecay,
    double gradientClip,
    boolean randomCrop,
    int validationImages,
    long checkpointEvery,
    int keepCheckpoints,
    long seed,
    int threads)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** CLIP's optimizer settings on the tiny model; paths are unset. */
  public static TrainClipConfig defaults() {
    return new TrainClipConfig(
        "",
        "",
        ClipConfig.tiny().withTextVocabSize(0),
        64,
        1_000,
        5e-4,
        1e-5,
        100,
        0.9,
        0.98,
        1e-6,
        0.2,
        0,
        false,
        256,
        200,
        2,
        0,
        0);
  }

  /**
   * This config with the model's text vocabulary set from the tokenizer when it is 0, or checked
   * against it.
   *
   * @throws IllegalArgumentException when the config names another vocabulary size
   */
  public TrainClipConfig withTokenizerVocabulary(int tokenizerVocab, String tokenizerFile) {
    if (model.textVocabSize() == tokenizerVocab) {
      return this;
    }
    if (model.textVocabSize() != 0) {
      throw new IllegalArgumentException(
          String.format(
              "model.text_vocab_size is %d but %s has %d tokens; set it to %d or to 0 (take the"
                  + " tokenizer's)",
              model.textVocabSize(), tokenizerFile, tokenizerVocab, tokenizerVocab));
    }
    return new TrainClipConfig(
        data,
        out,
        model.withTextVocabSize(tokenizerVocab),
        batchSize,
        steps,
        learningRate,
        finalLearningRate,
        warmupSteps,
        adamBeta1,
        adamBeta2,
        adamEpsilon,
        weightDecay,
        gradientClip,
        randomCrop,
        validationImages,
        checkpointEvery,
        keepCheckpoints,
        seed,
        threads);
  }

  /**
   * Checks that the settings make sense together; a {@code text_vocab_size} of 0 is accepted here,
   * since the tokenizer fills it.
   *
   * @return this config
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public TrainClipConfig validate() {
    if (data == null || data.isBlank()) {
      throw new IllegalArgumentException(
          "data is not set; expected the prepare output directory (e.g. --data runs/x/data)");
    }
    if (out == null || out.isBlank()) {
      throw new IllegalArgumentException(
          "out is not set; expected the run directory (e.g. --out runs/x/clip)");
    }
    if (model == null) {
      throw new IllegalArgumentException(
          "model is not set; expected the contrastive model's sizes");
    }
    model.withTextVocabSize(Math.max(1, model.textVocabSize())).validate();
    atLeast("batch_size", batchSize, 2);
    atLeast("steps", steps, 1);
    atLeast("warmup_steps", warmupSteps, 0);
    if (warmupSteps >= steps) {
      throw new IllegalArgumentException(
          "warmup_steps is " + warmupSteps + "; expected fewer than steps (" + steps + ")");
    }
    atLeast("validation_images", validationImages, 2);
    atLeast("checkpoint_every", checkpointEvery, 1);
    atLeast("keep_checkpoints", keepCheckpoints, 1);
    atLeast("threads", threads, 0);
    positive("learning_rate", learningRate);
    nonNegative("final_learning_rate", finalLearningRate);
    nonNegative("weight_decay", weightDecay);
    nonNegative("gradient_clip", gradientClip);
    positive("adam_epsilon", adamEpsilon);
    unitInterval("adam_beta1", adamBeta1);
    unitInterval("adam_beta2", adamBeta2);
    return this;
  }
}
