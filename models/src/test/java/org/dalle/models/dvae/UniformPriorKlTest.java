package org.dalle.models.dvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UniformPriorKlTest {

  private static final float LN2 = (float) Math.log(2);
  private static final float LN3 = (float) Math.log(3);
  private static final float LN5 = (float) Math.log(5);

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

  @Test
  void isZeroForAUniformPosterior() {
    try (NDManager m = manager.newSubManager()) {
      NDArray kl = UniformPriorKl.perPosition(m.full(new Shape(2, 16, 3, 3), 5f));
      assertEquals(new Shape(2, 3, 3), kl.getShape());
      assertEquals(0f, kl.abs().max().getFloat(), 1e-6f);
    }
  }

  @Test
  void matchesHandValuesForTwoAndThreeCodes() {
    try (NDManager m = manager.newSubManager()) {
      // Logits (0, ln 3): q = (1/4, 3/4); KL = ¼ ln ¼ + ¾ ln ¾ + ln 2 = 0.130812.
      NDArray two = m.create(new float[] {0f, LN3}, new Shape(1, 2, 1, 1));
      assertEquals(0.130812f, UniformPriorKl.perPosition(two).getFloat(0, 0, 0), 1e-6f);
      // Logits (0, ln 2, ln 5): q = (1/8, 2/8, 5/8); KL = Σ q ln q + ln 3 = 0.198356.
      NDArray three = m.create(new float[] {0f, LN2, LN5}, new Shape(1, 3, 1, 1));
      assertEquals(0.198356f, UniformPriorKl.perPosition(three).getFloat(0, 0, 0), 1e-6f);
    }
  }

  @Test
  void givesTheSameValuesWithTheCodesOnAnyAxis() {
    try (NDManager m = manager.newSubManager()) {
      NDArray logits = m.randomNormal(new Shape(2, 7, 3, 4)).mul(2f);
      float[] axisOne = UniformPriorKl.perPosition(logits).toFloatArray();
      NDArray codesLast = logits.transpose(0, 2, 3, 1); // (2, 3, 4, 7)
      float[] axisThree = UniformPriorKl.perPosition(codesLast, 3).toFloatArray();
      assertArrayEquals(axisOne, axisThree, 1e-6f);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> UniformPriorKl.perPosition(logits, 0));
      assertEquals(
          "logits are (2, 7, 3, 4) with codes on axis 0; expected a batch axis 0 and the codes on"
              + " an axis from 1 to 3",
          e.getMessage());
    }
  }

  @Test
  void isPositiveForNonUniformPosteriorsAndAtMostLogK() {
    try (NDManager m = manager.newSubManager()) {
      NDArray kl = UniformPriorKl.perPosition(m.randomNormal(new Shape(4, 64, 5, 5)).mul(3f));
      assertTrue(kl.min().getFloat() > 0f, "min KL " + kl.min().getFloat());
      assertTrue(kl.max().getFloat() <= (float) Math.log(64) + 1e-5f);
    }
  }

  @Test
  void perSubpixelSumsOverPositionsAndDividesBySubpixels() {
    try (NDManager m = manager.newSubManager()) {
      // Image 0: four positions with q = (1/4, 3/4), KL 0.130812 each; image 1: uniform, KL 0.
      float[] logits = new float[16];
      for (int position = 0; position < 4; position++) {
        logits[4 + position] = LN3; // image 0, code 1
      }
      NDArray kl =
          UniformPriorKl.perSubpixel(
              m.create(logits, new Shape(2, 2, 2, 2)), new Shape(2, 3, 4, 4));
      // ((4 · 0.130812) / (3·4·4) + 0) / 2
      assertEquals(4 * 0.130812f / 48 / 2, kl.getFloat(), 1e-7f);
      assertArrayEquals(new long[0], kl.getShape().getShape());
    }
  }

  @Test
  void meanPosteriorTermSeesOnlyCodeUsage() {
    try (NDManager m = manager.newSubManager()) {
      // Every position sure of code 0 (4 codes): the mean posterior is one-hot, KL = ln 4; the
      // per-position KL is also ln 4.
      float[] sure = new float[3 * 4];
      for (int i = 0; i < 3; i++) {
        sure[4 * i] = 40f;
      }
      NDArray oneCode = m.create(sure, new Shape(3, 4));
      assertEquals(2 * LN2, UniformPriorKl.ofMeanPosterior(oneCode).getFloat(), 1e-5f);
      // Half the positions sure of code 0, half of code 1: usage (1/2, 1/2, 0, 0), KL = ln 2,
      // although each position's own KL is still ln 4. Codes on the last of three axes.
      float[] split = new float[2 * 2 * 4];
      split[0] = 40f;
      split[4 + 1] = 40f;
      split[8] = 40f;
      split[12 + 1] = 40f;
      NDArray twoCodes = m.create(split, new Shape(2, 2, 4));
      assertEquals(LN2, UniformPriorKl.ofMeanPosterior(twoCodes).getFloat(), 1e-5f);
      // Each position sure of a different code: usage uniform, KL 0.
      NDArray allCodes = m.eye(4).mul(40f);
      assertEquals(0f, UniformPriorKl.ofMeanPosterior(allCodes).getFloat(), 1e-5f);
      assertArrayEquals(
          new long[0], UniformPriorKl.ofMeanPosterior(allCodes).getShape().getShape());
      assertThrows(
          IllegalArgumentException.class,
          () -> UniformPriorKl.ofMeanPosterior(m.ones(new Shape(4))));
    }
  }
}
