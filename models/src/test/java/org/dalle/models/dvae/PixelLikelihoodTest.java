package org.dalle.models.dvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class PixelLikelihoodTest {

  @Test
  void gaussianIsTheSquaredErrorOfTheMappedReconstructionOverTwoSigmaSquared() {
    try (NDManager m = NDManager.newBaseManager()) {
      // One pixel, one channel: μ = 0 gives sigmoid 0.5, φ⁻¹(0.5) = 0.5; μ = ln 9 gives 0.9 → 1.0;
      // μ = −ln 9 gives 0.1 → 0.0; μ = −ln 19 gives 0.05 → −0.0625 (not clamped).
      float ln9 = (float) Math.log(9);
      float ln19 = (float) Math.log(19);
      NDArray images = m.create(new float[] {0.25f, 1f, 0f, 0f}, new Shape(4, 1, 1, 1));
      NDArray mu = m.create(new float[] {0f, ln9, -ln9, -ln19}, new Shape(4, 1, 1, 1));
      NDArray decoded = mu.concat(m.zeros(new Shape(4, 1, 1, 1)), 1); // (4, 2, 1, 1)
      float nll =
          new PixelLikelihood.Gaussian(0.5f).negativeLogLikelihood(images, decoded).getFloat();
      double squared = (0.25 * 0.25 + 0 + 0 + 0.0625 * 0.0625) / 4;
      assertEquals(squared / (2 * 0.25), nll, 1e-6);
    }
  }

  @Test
  void logitLaplaceIsThePapersDensity() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray images = m.randomUniform(0f, 1f, new Shape(2, 3, 4, 4));
      NDArray decoded = m.randomNormal(new Shape(2, 6, 4, 4));
      assertEquals(
          LogitLaplace.negativeLogLikelihood(images, decoded).getFloat(),
          PixelLikelihood.logitLaplace().negativeLogLikelihood(images, decoded).getFloat());
    }
  }

  @Test
  void parsesConfigWordsAndRejectsOthers() {
    assertInstanceOf(
        PixelLikelihood.LogitLaplaceDensity.class, PixelLikelihood.parse("logit_laplace", 1));
    PixelLikelihood gaussian = PixelLikelihood.parse("gaussian", 0.05);
    assertEquals(new PixelLikelihood.Gaussian(0.05f), gaussian);
    assertEquals("gaussian", gaussian.word());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PixelLikelihood.parse("laplace", 1));
    assertTrue(e.getMessage().contains("expected logit_laplace"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PixelLikelihood.parse("gaussian", 0));
  }

  @Test
  void rejectsMismatchedLayouts() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray images = m.zeros(new Shape(1, 3, 4, 4));
      NDArray decoded = m.zeros(new Shape(1, 3, 4, 4));
      assertThrows(
          IllegalArgumentException.class,
          () -> new PixelLikelihood.Gaussian(0.1f).negativeLogLikelihood(images, decoded));
    }
  }
}
