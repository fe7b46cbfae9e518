package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Gradients;
import org.dalle.models.tokenizer.TextTokens;
import org.junit.jupiter.api.Test;

/**
 * Catches a prior that stops reading its caption, without timing anything: on a toy set where the
 * caption is one token naming a colour and the image is a 4×4 grid of that colour's code (with a
 * little noise), a tiny prior trained for a couple of hundred AdamW steps must put the captioned
 * colour's code first at the first image position, with most of the probability, and the cached
 * sampler must draw mostly that code for the whole grid; the same prior untrained does neither
 * (section 2.2 of the paper: the image tokens are modelled given the text).
 */
class PriorFollowsCaptionTest {

  /** Text token naming each colour, and the image code of that colour: red, then blue. */
  private static final int[] COLOUR_WORDS = {1, 2};

  private static final long[] COLOUR_CODES = {3, 5};

  /** Share of image tokens replaced by a random code in the training set. */
  private static final double NOISE = 0.1;

  private static final int STEPS = 200;
  private static final int BATCH = 16;
  private static final int SAMPLES = 4;
  private static final int SEED = 3;

  @Test
  void putsTheCaptionedColourFirstAfterTrainingAndNotBefore() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager manager = engine.newBaseManager();
        AdamW adam = AdamW.builder().optBetas(0.9, 0.96).optWeightDecay(4.5e-2).build()) {
      TransformerPrior model = TinyPriors.model(config, manager, SEED);
      NDArray captions = captions(manager, config);
      double[] probabilityBefore = rightCodeProbability(model, captions);
      double sampledBefore = rightCodeShare(model, captions);

      ParameterList params = model.getParameters();
      Random data = new Random(SEED);
      for (int step = 0; step < STEPS; step++) {
        try (NDManager scope = manager.newSubManager()) {
          int[] colours = new int[BATCH];
          for (int b = 0; b < BATCH; b++) {
            colours[b] = data.nextInt(COLOUR_WORDS.length);
          }
          NDArray text = text(scope, config, colours);
          NDArray image = noisyImages(scope, config, colours, data);
          try (GradientCollector collector = engine.newGradientCollector()) {
            collector.backward(model.loss(text, image).total());
          }
          Gradients.clipByGlobalNorm(params, 4);
          adam.update(params, 1e-2);
          Gradients.zeroGradients(params);
        }
      }
      double[] probabilityAfter = rightCodeProbability(model, captions);
      double sampledAfter = rightCodeShare(model, captions);

      System.out.printf(
          "toy prior, %d steps: p(captioned code first) red %.3f -> %.3f, blue %.3f -> %.3f;"
              + " sampled tokens of the captioned code %.3f -> %.3f (chance %.3f)%n",
          STEPS,
          probabilityBefore[0],
          probabilityAfter[0],
          probabilityBefore[1],
          probabilityAfter[1],
          sampledBefore,
          sampledAfter,
          1.0 / config.imageVocabSize());
      for (int colour = 0; colour < COLOUR_WORDS.length; colour++) {
        assertEquals(
            COLOUR_CODES[colour],
            firstImageLogits(model, captions).get(colour).argMax().getLong(),
            "most likely first code for caption token " + COLOUR_WORDS[colour]);
        assertTrue(
            probabilityAfter[colour] > 0.5,
            "trained, p(code " + COLOUR_CODES[colour] + ") is only " + probabilityAfter[colour]);
        assertTrue(
            probabilityBefore[colour] < 0.3,
            "untrained, p(code " + COLOUR_CODES[colour] + ") is " + probabilityBefore[colour]);
      }
      assertTrue(sampledAfter >= 0.8, "trained, sampled tokens right: " + sampledAfter);
      assertTrue(sampledBefore < 0.4, "untrained, sampled tokens right: " + sampledBefore);
    }
  }

  /** Logits of the first image token for each caption, {@code (colours, V)}. */
  private static NDArray firstImageLogits(TransformerPrior model, NDArray captions) {
    return model.nextTokenLogits(captions);
  }

  /** For each colour's caption, the probability of its code at the first image position. */
  private static double[] rightCodeProbability(TransformerPrior model, NDArray captions) {
    float[] probabilities = firstImageLogits(model, captions).softmax(-1).toFloatArray();
    int vocab = model.config().imageVocabSize();
    double[] right = new double[COLOUR_CODES.length];
    for (int colour = 0; colour < right.length; colour++) {
      right[colour] = probabilities[colour * vocab + (int) COLOUR_CODES[colour]];
    }
    return right;
  }

  /**
   * The share of image tokens that are the captioned colour's code over {@link #SAMPLES} grids per
   * caption, drawn by the cached sampler at temperature 1.
   */
  private static double rightCodeShare(TransformerPrior model, NDArray captions) {
    int length = model.config().imageLength();
    long right = 0;
    long total = 0;
    for (int colour = 0; colour < COLOUR_CODES.length; colour++) {
      NDArray text = captions.get("{}:{}", colour, colour + 1).repeat(0, SAMPLES);
      long[] codes =
          PriorSampler.sampleImages(model, text, null, SamplingOptions.paper(), SEED + colour)
              .toLongArray();
      for (long code : codes) {
        right += code == COLOUR_CODES[colour] ? 1 : 0;
      }
      total += (long) SAMPLES * length;
    }
    return (double) right / total;
  }

  /** One caption per colour, in colour order, {@code (colours, L)}. */
  private static NDArray captions(NDManager manager, TransformerConfig config) {
    int[] colours = new int[COLOUR_WORDS.length];
    for (int colour = 0; colour < colours.length; colour++) {
      colours[colour] = colour;
    }
    return text(manager, config, colours);
  }

  /** The padded one-token captions naming {@code colours}, {@code (B, L)} INT64. */
  private static NDArray text(NDManager manager, TransformerConfig config, int[] colours) {
    long[][] rows = new long[colours.length][];
    for (int b = 0; b < colours.length; b++) {
      int[] padded =
          TextTokens.pad(
              new int[] {COLOUR_WORDS[colours[b]]}, config.textLength(), config.textVocabSize());
      rows[b] = new long[padded.length];
      for (int i = 0; i < padded.length; i++) {
        rows[b][i] = padded[i];
      }
    }
    return manager.create(rows);
  }

  /**
   * Grids of each colour's code, a {@link #NOISE} share replaced by random codes, {@code (B, N)}.
   */
  private static NDArray noisyImages(
      NDManager manager, TransformerConfig config, int[] colours, Random random) {
    long[][] rows = new long[colours.length][config.imageLength()];
    for (int b = 0; b < colours.length; b++) {
      for (int i = 0; i < rows[b].length; i++) {
        rows[b][i] =
            random.nextDouble() < NOISE
                ? random.nextInt(config.imageVocabSize())
                : COLOUR_CODES[colours[b]];
      }
    }
    return manager.create(rows);
  }
}
