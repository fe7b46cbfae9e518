package org.dalle.models.dvae;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Gradients;
import org.junit.jupiter.api.Test;

/**
 * Catches a dVAE that stops learning colours, without timing anything: a very small model trained
 * for a few hundred AdamW steps on a two-colour toy set (a red or a blue square at a random place
 * on black) must reconstruct, through its argmax codes, the right colour inside the square of
 * nearly every fresh image, and the same model untrained must not.
 *
 * <p>The training is the quickstart's in miniature (section 2.1 and appendix A.2 of the paper, with
 * the {@link PixelLikelihood.Gaussian Gaussian} likelihood in place of the logit-Laplace): {@link
 * DiscreteVae#loss}, temperature annealed 1 → 1/16, KL weight raised 0 → 6.6 over the first half.
 * The toy set is easy on purpose, and it needs to be: at width 16, without the KL term or with
 * squares at any pixel rather than on grid-cell boundaries, some seeds settle on codes that mark
 * where the square is but not its colour (every square reconstructed magenta). As it stands, every
 * seed tried learned the colours (six at 300 steps, four at 400), so 400 steps leave a margin.
 */
class DvaeLearnsColoursTest {

  /** 16×16 images, two groups (an 8×8 grid of 2×2-pixel cells), width 32, 32 codes. */
  private static final DvaeConfig MODEL =
      new DvaeConfig(
          16, // image_size
          3, // channels
          32, // vocab_size
          32, // hidden_width
          32, // decoder_input_width
          1, // blocks_per_group
          2); // groups

  /** Pixels per grid cell along a side: squares start on a cell boundary. */
  private static final int CELL = 2;

  private static final float[][] COLOURS = {{1f, 0f, 0f}, {0f, 0f, 1f}}; // red, blue
  private static final int SQUARE = 6;
  private static final int STEPS = 400;
  private static final int BATCH = 16;
  private static final int CHECKED = 64;
  private static final long SEED = 7;

  @Test
  void reconstructsTheSquaresColourAfterTrainingAndNotBefore() {
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed((int) SEED);
    ToySet checked = ToySet.draw(CHECKED, new Random(SEED + 1));
    try (NDManager manager = engine.newBaseManager();
        AdamW adam = AdamW.builder().optWeightDecay(1e-4).build()) {
      DiscreteVae model = new DiscreteVae(MODEL);
      model.initializeParameters(manager);
      double before = rightColourShare(model, checked, manager);

      ParameterList params = model.getParameters();
      PixelLikelihood likelihood = new PixelLikelihood.Gaussian(0.1f);
      Random data = new Random(SEED + 2);
      for (int step = 0; step < STEPS; step++) {
        try (NDManager scope = manager.newSubManager()) {
          NDArray images = ToySet.draw(BATCH, data).images(scope);
          float tau = (float) Math.pow(1.0 / 16, (double) step / STEPS);
          float beta = 6.6f * Math.min(1f, 2f * step / STEPS);
          try (GradientCollector collector = engine.newGradientCollector()) {
            collector.backward(model.loss(images, tau, beta, likelihood).total());
          }
          adam.update(params, 1e-3);
          Gradients.zeroGradients(params);
        }
      }
      double after = rightColourShare(model, checked, manager);

      System.out.printf(
          "toy dVAE, %d steps: squares reconstructed in their colour %.3f before, %.3f after%n",
          STEPS, before, after);
      assertTrue(
          after >= 0.9, "after training only " + after + " of the squares kept their colour");
      assertTrue(before < 0.5, "untrained, " + before + " of the squares already passed the check");
    }
  }

  /**
   * The share of {@code set}'s images whose reconstruction shows the square's colour: inside the
   * square, the colour's channel averages at least 0.5 and beats both other channels by 0.25.
   */
  private static double rightColourShare(DiscreteVae model, ToySet set, NDManager manager) {
    float[] reconstructions;
    try (NDManager scope = manager.newSubManager()) {
      reconstructions = model.reconstruct(set.images(scope)).toFloatArray();
    }
    int size = MODEL.imageSize();
    int right = 0;
    for (int i = 0; i < set.count(); i++) {
      double[] mean = new double[3];
      for (int c = 0; c < 3; c++) {
        for (int y = set.tops[i]; y < set.tops[i] + SQUARE; y++) {
          for (int x = set.lefts[i]; x < set.lefts[i] + SQUARE; x++) {
            mean[c] += reconstructions[((i * 3 + c) * size + y) * size + x];
          }
        }
        mean[c] /= SQUARE * SQUARE;
      }
      int wanted = set.colours[i] == 0 ? 0 : 2; // red or blue channel
      boolean shown = mean[wanted] >= 0.5;
      for (int c = 0; c < 3; c++) {
        shown &= c == wanted || mean[wanted] - mean[c] >= 0.25;
      }
      right += shown ? 1 : 0;
    }
    return (double) right / set.count();
  }

  /**
   * Toy images: a {@link #SQUARE}-pixel square of colour {@code colours[i]} on black, its corner at
   * ({@code lefts[i]}, {@code tops[i]}) on a cell boundary, so every grid cell is all square or all
   * background.
   */
  private record ToySet(int[] colours, int[] lefts, int[] tops) {

    static ToySet draw(int count, Random random) {
      int[] colours = new int[count];
      int[] lefts = new int[count];
      int[] tops = new int[count];
      int places = (MODEL.imageSize() - SQUARE) / CELL + 1;
      for (int i = 0; i < count; i++) {
        colours[i] = random.nextInt(COLOURS.length);
        lefts[i] = CELL * random.nextInt(places);
        tops[i] = CELL * random.nextInt(places);
      }
      return new ToySet(colours, lefts, tops);
    }

    int count() {
      return colours.length;
    }

    /** The images, {@code (B, 3, S, S)} in [0, 1]. */
    NDArray images(NDManager manager) {
      int size = MODEL.imageSize();
      float[] pixels = new float[count() * 3 * size * size];
      for (int i = 0; i < count(); i++) {
        for (int c = 0; c < 3; c++) {
          for (int y = tops[i]; y < tops[i] + SQUARE; y++) {
            for (int x = lefts[i]; x < lefts[i] + SQUARE; x++) {
              pixels[((i * 3 + c) * size + y) * size + x] = COLOURS[colours[i]][c];
            }
          }
        }
      }
      return manager.create(pixels, new Shape(count(), 3, size, size));
    }
  }
}
