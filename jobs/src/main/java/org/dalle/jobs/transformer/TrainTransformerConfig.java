package org.dalle.jobs.transformer;

import static org.dalle.jobs.config.ConfigChecks.atLeast;
import static org.dalle.jobs.config.ConfigChecks.positive;
import static org.dalle.jobs.config.ConfigChecks.required;
import static org.dalle.jobs.config.ConfigChecks.unitInterval;

import java.io.Serializable;
import org.dalle.jobs.config.Inline;
import org.dalle.jobs.train.AdamWSettings;
import org.dalle.jobs.train.TrainingSettings;
import org.dalle.models.transformer.TransformerConfig;

/**
 * Everything {@code dalle train-transformer} needs (section 2.2, 2.4 and appendix B.1 of the
 * paper), resolved from a YAML file under {@code configs/transformer/} and command-line flags. Keys
 * are snake_case.
 *
 * <p>The learning rate warms up linearly to {@code learningRate} over {@code warmupSteps}, then is
 * halved (at most {@code maxHalvings} times) whenever the mean training loss of {@code
 * plateauPatience} consecutive windows of {@code plateauWindow} updates has not improved on the
 * best window so far (the paper halves "each time the training loss appears to plateau").
 *
 * @param data the encode output directory (holding {@code tokens/*.avro})
 * @param tokenizer the prepare stage's {@code tokenizer.json}, used for BPE dropout and copied into
 *     checkpoints and the export so the sampler tokenises captions the same way; when not set, the
 *     tokenizer of the prepare output that the encode output's {@code run.json} names ({@link
 *     #withTokenizer})
 * @param model the prior's shape; a {@code text_vocab_size} of 0 takes the tokenizer's size
 * @param training out, batch_size (sequences), steps, checkpoint_every, keep_checkpoints, seed (of
 *     initialisation, data order, dropout and BPE dropout) and threads, at the top level of the
 *     file
 * @param learningRate peak learning rate after warm-up (paper: 4.5e-4)
 * @param warmupSteps updates of the linear warm-up (paper: 5000)
 * @param plateauWindow updates whose mean loss is one plateau evaluation
 * @param plateauPatience windows without a new best loss that halve the learning rate
 * @param maxHalvings most halvings (paper: 5)
 * @param optimizer adam_beta1, adam_beta2, adam_epsilon and weight_decay (of weight matrices only),
 *     at the top level of the file (paper: 0.9, 0.96, 1e-8, 4.5e-2)
 * @param gradientClip global gradient-norm threshold (paper: 4)
 * @param emaDecay decay of the exported weight average (paper: 0.99)
 * @param bpeDropout probability of skipping each BPE merge when re-tokenising a caption (paper:
 *     0.1); 0 uses the records' tokens as they are
 * @param precision {@code fp32}, or {@code fp16} with per-resblock gradient scaling (section 2.4)
 * @param replicas data-parallel replicas M, which the gradient scales are multiplied by
 */
public record TrainTransformerConfig(
    String data,
    String tokenizer,
    TransformerConfig model,
    @Inline TrainingSettings training,
    double learningRate,
    long warmupSteps,
    long plateauWindow,
    int plateauPatience,
    int maxHalvings,
    @Inline AdamWSettings optimizer,
    double gradientClip,
    double emaDecay,
    double bpeDropout,
    Precision precision,
    int replicas)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The paper's hyper-parameters on the tiny model; paths are unset. */
  public static TrainTransformerConfig defaults() {
    return new TrainTransformerConfig(
        "",
        "",
        TransformerConfig.tiny(),
        new TrainingSettings("", 32, 10_000, 1_000, 3, 0, 0, 0, 0),
        4.5e-4,
        5_000,
        500,
        2,
        5,
        new AdamWSettings(0.9, 0.96, 1e-8, 4.5e-2),
        4.0,
        0.99,
        0.1,
        Precision.FP32,
        1);
  }

  /**
   * This config with {@code tokenizer} set to {@code defaultTokenizer} when it is not set: the
   * {@code tokenizer.json} of the prepare output the tokens were encoded from.
   */
  public TrainTransformerConfig withTokenizer(String defaultTokenizer) {
    if (tokenizer != null && !tokenizer.isBlank()) {
      return this;
    }
    return new TrainTransformerConfig(
        data,
        defaultTokenizer,
        model,
        training,
        learningRate,
        warmupSteps,
        plateauWindow,
        plateauPatience,
        maxHalvings,
        optimizer,
        gradientClip,
        emaDecay,
        bpeDropout,
        precision,
        replicas);
  }

  /**
   * This config with the model's text vocabulary set from the tokenizer when it is 0, or checked
   * against it.
   *
   * @throws IllegalArgumentException when the config names another vocabulary size
   */
  public TrainTransformerConfig withTokenizerVocabulary(int tokenizerVocab) {
    if (model.textVocabSize() == tokenizerVocab) {
      return this;
    }
    if (model.textVocabSize() != 0) {
      throw new IllegalArgumentException(
          String.format(
              "model.text_vocab_size is %d but %s has %d tokens; set it to %d or to 0 (take the"
                  + " tokenizer's)",
              model.textVocabSize(), tokenizer, tokenizerVocab, tokenizerVocab));
    }
    TransformerConfig m = model;
    TransformerConfig resolved =
        new TransformerConfig(
            m.layers(),
            m.dModel(),
            m.heads(),
            m.textLength(),
            tokenizerVocab,
            m.gridSize(),
            m.imageVocabSize(),
            m.convKernel(),
            m.textLossWeight(),
            m.imageLossWeight(),
            m.dropout(),
            m.attention());
    return new TrainTransformerConfig(
        data,
        tokenizer,
        resolved,
        training,
        learningRate,
        warmupSteps,
        plateauWindow,
        plateauPatience,
        maxHalvings,
        optimizer,
        gradientClip,
        emaDecay,
        bpeDropout,
        precision,
        replicas);
  }

  /**
   * Checks that the settings make sense together.
   *
   * @return this config
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public TrainTransformerConfig validate() {
    required("data", data, "the encode output directory (e.g. --data runs/x/tokens)");
    if (training == null) {
      throw new IllegalArgumentException("training settings are not set; expected out and steps");
    }
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer settings are not set; expected adam_beta1");
    }
    optimizer.validate();
    training.validate("transformer", 1);
    if (model == null) {
      throw new IllegalArgumentException("model is not set; expected the transformer's sizes");
    }
    if (model.textVocabSize() != 0) {
      model.validate();
    } else {
      withTokenizerVocabulary(1).model().validate(); // 0 is filled in from the tokenizer
    }
    if (precision == null) {
      throw new IllegalArgumentException("precision is not set; expected fp32 or fp16");
    }
    if (precision == Precision.FP16 && training.zeroStage() >= 2) {
      // Each rank would check only its shard for overflow, and the ranks could disagree on a skip.
      throw new IllegalArgumentException(
          "zero_stage "
              + training.zeroStage()
              + " with precision fp16: the per-resblock gradient scaling checks whole gradients,"
              + " which stages 2 and 3 do not keep; use zero_stage 0 or 1, or fp32");
    }
    atLeast("warmup_steps", warmupSteps, 1);
    atLeast("plateau_window", plateauWindow, 1);
    atLeast("plateau_patience", plateauPatience, 1);
    atLeast("max_halvings", maxHalvings, 0);
    atLeast("replicas", replicas, 1);
    positive("learning_rate", learningRate);
    positive("gradient_clip", gradientClip);
    unitInterval("ema_decay", emaDecay);
    unitInterval("bpe_dropout", bpeDropout);
    return this;
  }
}
