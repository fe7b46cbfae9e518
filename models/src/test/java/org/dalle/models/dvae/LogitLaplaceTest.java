package org.dalle.models.dvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LogitLaplaceTest {

  private static NDManager manager;

  @BeforeAll
  static void open() {
    System.setProperty("ai.djl.offline", "true");
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  // Hand values of log p(y | μ, b) = −log(2 b y (1 − y)) − |logit(y) − μ| / b:
  //  y = 0.5, μ = 0, ln b = 0:      −log(2·1·0.25) − 0 = log 2                        = 0.693147
  //  y = 0.9, μ = 1, ln b = ln 0.5: −log(2·0.5·0.09) − |ln 9 − 1| / 0.5
  //                                 = 2.407946 − 2.394449                             = 0.013496
  //  y = 0.1, μ = −3, ln b = 1:     −log(2·e·0.09) − |−ln 9 + 3| / e
  //                                 = 0.714799 − 0.295325                             = 0.419474
  private static final float[] Y = {0.5f, 0.9f, 0.1f};
  private static final float[] MU = {0f, 1f, -3f};
  private static final float[] LOG_B = {0f, (float) Math.log(0.5), 1f};
  private static final float[] LOG_P = {0.693147f, 0.013496f, 0.419474f};

  @Test
  void logDensityMatchesTheFormulaOnHandValues() {
    try (NDManager m = manager.newSubManager()) {
      NDArray logP = LogitLaplace.logDensity(m.create(Y), m.create(MU), m.create(LOG_B));
      assertArrayEquals(LOG_P, logP.toFloatArray(), 1e-5f);
    }
  }

  @Test
  void negativeLogLikelihoodIsTheMeanOverMappedPixels() {
    try (NDManager m = manager.newSubManager()) {
      // Pixels 0.5, 1 and 0 map to y = 0.5, 0.9 and 0.1: the three hand cases above.
      NDArray images = m.create(new float[] {0.5f, 1f, 0f}, new Shape(1, 1, 1, 3));
      float[] decoded = new float[6];
      System.arraycopy(MU, 0, decoded, 0, 3);
      System.arraycopy(LOG_B, 0, decoded, 3, 3);
      NDArray nll =
          LogitLaplace.negativeLogLikelihood(images, m.create(decoded, new Shape(1, 2, 1, 3)));
      assertEquals(-(0.693147f + 0.013496f + 0.419474f) / 3, nll.getFloat(), 1e-5f);
    }
  }

  @Test
  void densityIntegratesToOneOverTheUnitInterval() {
    try (NDManager m = manager.newSubManager()) {
      int n = 200_000;
      // Midpoint rule over (0, 1).
      NDArray y = m.arange(0f, (float) n).add(0.5f).div((float) n);
      NDArray mu = m.full(y.getShape(), 0.3f);
      NDArray logB = m.full(y.getShape(), -0.5f);
      float integral = LogitLaplace.logDensity(y, mu, logB).exp().sum().getFloat() / n;
      assertEquals(1f, integral, 2e-3f);
    }
  }

  @Test
  void mapsPixelsIntoTheOpenIntervalAndBack() {
    try (NDManager m = manager.newSubManager()) {
      NDArray x = m.create(new float[] {0f, 0.25f, 1f});
      NDArray y = LogitLaplace.mapPixels(x);
      assertArrayEquals(new float[] {0.1f, 0.3f, 0.9f}, y.toFloatArray(), 1e-6f);
      assertArrayEquals(x.toFloatArray(), LogitLaplace.unmapPixels(y).toFloatArray(), 1e-6f);
    }
  }

  @Test
  void reconstructionUnmapsTheSigmoidOfMuAndClamps() {
    try (NDManager m = manager.newSubManager()) {
      // μ = 0 → sigmoid 0.5 → (0.5 − 0.1)/0.8 = 0.5; μ = logit(0.3) → (0.3 − 0.1)/0.8 = 0.25;
      // μ = 10 → sigmoid ≈ 0.99995 → 1.12 clamped to 1; μ = −10 → −0.12 clamped to 0.
      float[] decoded = {0f, (float) Math.log(0.3 / 0.7), 10f, -10f, 5f, 5f, 5f, 5f};
      NDArray x = LogitLaplace.reconstruction(m.create(decoded, new Shape(1, 2, 2, 2)));
      assertEquals(new Shape(1, 1, 2, 2), x.getShape());
      assertArrayEquals(new float[] {0.5f, 0.25f, 1f, 0f}, x.toFloatArray(), 1e-5f);
    }
  }

  @Test
  void rejectsADecoderOutputThatDoesNotMatchTheImages() {
    try (NDManager m = manager.newSubManager()) {
      NDArray images = m.zeros(new Shape(2, 3, 4, 4));
      NDArray decoded = m.zeros(new Shape(2, 3, 4, 4));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> LogitLaplace.negativeLogLikelihood(images, decoded));
      assertEquals(
          "images are (2, 3, 4, 4) and decoder output (2, 3, 4, 4); expected (B, C, H, W) and"
              + " (B, 2C, H, W)",
          e.getMessage());
    }
  }
}
