package org.dalle.jobs.clip;

import static org.dalle.jobs.config.ConfigChecks.atLeast;
import static org.dalle.jobs.config.ConfigChecks.nonNegative;
import static org.dalle.jobs.config.ConfigChecks.positive;

import java.io.Serializable;
import java.util.List;
import org.dalle.jobs.config.Inline;
import org.dalle.jobs.train.AdamWSettings;
import org.dalle.jobs.train.TrainingSettings;
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
 * @param model the contrastive model's shape; a {@code text_vocab_size} of 0 takes the tokenizer's
 * @param training out, batch_size ((image, caption) pairs per update, each contrasted with the
 *     others), steps, checkpoint_every, keep_checkpoints, seed (of initialisation, data order and
 *     crops) and threads, at the top level of the file
 * @param learningRate peak AdamW learning rate, after warm-up
 * @param finalLearningRate learning rate at the last update
 * @param warmupSteps updates of the linear warm-up
 * @param optimizer adam_beta1, adam_beta2, adam_epsilon and weight_decay (of weight matrices only),
 *     at the top level of the file (CLIP: 0.9, 0.98, 1e-6, 0.2)
 * @param gradientClip global gradient-norm threshold; 0 turns clipping off
 * @param randomCrop take each training window at a random offset of images prepared larger than
 *     {@code model.image_size} (the centre window otherwise, and always for validation)
 * @param validationImages pairs held out of training for the retrieval check at the end
 * @param negativeSwaps groups of interchangeable words ({@link CaptionNegatives}): when set, every
 *     training caption that holds one of them adds a hard negative caption to its batch, with one
 *     such word swapped for another of its group (NegCLIP); empty (the default) trains plain CLIP
 */
public record TrainClipConfig(
    String data,
    ClipConfig model,
    @Inline TrainingSettings training,
    double learningRate,
    double finalLearningRate,
    long warmupSteps,
    @Inline AdamWSettings optimizer,
    double gradientClip,
    boolean randomCrop,
    int validationImages,
    List<List<String>> negativeSwaps)
    implements Serializable {

  public TrainClipConfig {
    negativeSwaps =
        negativeSwaps == null
            ? List.of()
            : negativeSwaps.stream()
                .map(g -> g == null ? List.<String>of() : List.copyOf(g))
                .toList();
  }

  private static final long serialVersionUID = 1L;

  /** CLIP's optimizer settings on the tiny model; paths are unset. */
  public static TrainClipConfig defaults() {
    return new TrainClipConfig(
        "",
        ClipConfig.tiny().withTextVocabSize(0),
        new TrainingSettings("", 64, 1_000, 200, 2, 0, 0, 0, 0),
        5e-4,
        1e-5,
        100,
        new AdamWSettings(0.9, 0.98, 1e-6, 0.2),
        0,
        false,
        256,
        List.of());
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
        model.withTextVocabSize(tokenizerVocab),
        training,
        learningRate,
        finalLearningRate,
        warmupSteps,
        optimizer,
        gradientClip,
        randomCrop,
        validationImages,
        negativeSwaps);
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
    if (training == null) {
      throw new IllegalArgumentException("training settings are not set; expected out and steps");
    }
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer settings are not set; expected adam_beta1");
    }
    optimizer.validate();
    training.validate("clip", 2);
    if (model == null) {
      throw new IllegalArgumentException(
          "model is not set; expected the contrastive model's sizes");
    }
    model.withTextVocabSize(Math.max(1, model.textVocabSize())).validate();
    atLeast("warmup_steps", warmupSteps, 0);
    if (warmupSteps >= training.steps()) {
      throw new IllegalArgumentException(
          "warmup_steps is "
              + warmupSteps
              + "; expected fewer than steps ("
              + training.steps()
              + ")");
    }
    atLeast("validation_images", validationImages, 2);
    positive("learning_rate", learningRate);
    nonNegative("final_learning_rate", finalLearningRate);
    nonNegative("gradient_clip", gradientClip);
    new CaptionNegatives(negativeSwaps); // names a malformed group
    return this;
  }
}
