package org.dalle.jobs.transformer;

import static org.dalle.jobs.config.ConfigChecks.atLeast;
import static org.dalle.jobs.config.ConfigChecks.positive;
import static org.dalle.jobs.config.ConfigChecks.required;
import static org.dalle.jobs.config.ConfigChecks.unitInterval;

import java.io.Serializable;
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
 *     checkpoints and the export so the sampler tokenises captions the same way
 * @param out the run directory (checkpoints, metrics, export)
 * @param model the prior's shape; a {@code text_vocab_size} of 0 takes the tokenizer's size
 * @param batchSize sequences per update
 * @param steps updates in the whole run
 * @param learningRate peak learning rate after warm-up (paper: 4.5e-4)
 * @param warmupSteps updates of the linear warm-up (paper: 5000)
 * @param plateauWindow updates whose mean loss is one plateau evaluation
 * @param plateauPatience windows without a new best loss that halve the learning rate
 * @param maxHalvings most halvings (paper: 5)
 * @param adamBeta1 AdamW β₁ (paper: 0.9)
 * @param adamBeta2 AdamW β₂ (paper: 0.96)
 * @param adamEpsilon AdamW ε (paper: 1e-8)
 * @param weightDecay decoupled weight decay of weight matrices only (paper: 4.5e-2)
 * @param gradientClip global gradient-norm threshold (paper: 4)
 * @param emaDecay decay of the exported weight average (paper: 0.99)
 * @param bpeDropout probability of skipping each BPE merge when re-tokenising a caption (paper:
 *     0.1); 0 uses the records' tokens as they are
 * @param precision {@code fp32}, or {@code fp16} with per-resblock gradient scaling (section 2.4)
 * @param replicas data-parallel replicas M, which the gradient scales are multiplied by
 * @param checkpointEvery updates between checkpoints (one is also written at the end and on a stop)
 * @param keepCheckpoints how many of the newest checkpoints to keep
 * @param seed seed of initialisation, data order, dropout and BPE dropout
 * @param threads intra-op CPU threads of the engine (0: the engine's default)
 */
public record TrainTransformerConfig(
    String data,
    String tokenizer,
    String out,
    TransformerConfig model,
    int batchSize,
    long steps,
    double learningRate,
    long warmupSteps,
    long plateauWindow,
    int plateauPatience,
    int maxHalvings,
    double adamBeta1,
    double adamBeta2,
    double adamEpsilon,
    double weightDecay,
    double gradientClip,
    double emaDecay,
    double bpeDropout,
    Precision precision,
    int replicas,
    long checkpointEvery,
    int keepCheckpoints,
    long seed,
    int threads)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The paper's hyper-parameters on the tiny model; paths are unset. */
  public static TrainTransformerConfig defaults() {
    return new TrainTransformerConfig(
        "",
        "",
        "",
        TransformerConfig.tiny(),
        32,
        10_000,
        4.5e-4,
        5_000,
        500,
        2,
        5,
        0.9,
        0.96,
        1e-8,
        4.5e-2,
        4.0,
        0.99,
        0.1,
        Precision.FP32,
        1,
        1_000,
        3,
        0,
        0);
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
        out,
        resolved,
        batchSize,
        steps,
        learningRate,
        warmupSteps,
        plateauWindow,
        plateauPatience,
        maxHalvings,
        adamBeta1,
        adamBeta2,
        adamEpsilon,
        weightDecay,
        gradientClip,
        emaDecay,
        bpeDropout,
        precision,
        replicas,
        checkpointEvery,
        keepCheckpoints,
        seed,
        threads);
  }

  /**
   * Checks that the settings make sense together.
   *
   * @return this config
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public TrainTransformerConfig validate() {
    required("data", data, "the encode output directory (e.g. --data runs/x/tokens)");
    required("tokenizer", tokenizer, "the prepare stage's tokenizer.json");
    required("out", out, "the run directory (e.g. --out runs/x/transformer)");
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
    atLeast("batch_size", batchSize, 1);
    atLeast("steps", steps, 1);
    atLeast("warmup_steps", warmupSteps, 1);
    atLeast("plateau_window", plateauWindow, 1);
    atLeast("plateau_patience", plateauPatience, 1);
    atLeast("max_halvings", maxHalvings, 0);
    atLeast("replicas", replicas, 1);
    atLeast("checkpoint_every", checkpointEvery, 1);
    atLeast("keep_checkpoints", keepCheckpoints, 1);
    atLeast("threads", threads, 0);
    positive("learning_rate", learningRate);
    positive("adam_epsilon", adamEpsilon);
    positive("gradient_clip", gradientClip);
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weight_decay is " + weightDecay + "; expected a number >= 0");
    }
    unitInterval("adam_beta1", adamBeta1);
    unitInterval("adam_beta2", adamBeta2);
    unitInterval("ema_decay", emaDecay);
    unitInterval("bpe_dropout", bpeDropout);
    return this;
  }
}
