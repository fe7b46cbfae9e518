package org.dalle.models.dvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GumbelSoftmaxTest {

  private static Engine engine;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    System.setProperty("ai.djl.offline", "true");
    engine = Engine.getEngine("PyTorch");
    manager = engine.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void relaxedSamplesAreDistributionsOverTheCodeAxis() {
    try (NDManager m = manager.newSubManager()) {
      NDArray sample = GumbelSoftmax.sample(m.randomNormal(new Shape(3, 10, 4, 4)), 0.5f, 1);
      assertEquals(new Shape(3, 10, 4, 4), sample.getShape());
      assertTrue(sample.min().getFloat() >= 0f);
      float[] sums = sample.sum(new int[] {1}).toFloatArray();
      float[] ones = new float[sums.length];
      Arrays.fill(ones, 1f);
      assertArrayEquals(ones, sums, 1e-5f);
    }
  }

  @Test
  void lowTemperatureApproachesTheOneHotOfTheNoisyArgmax() {
    try (NDManager m = manager.newSubManager()) {
      NDArray logits = m.randomNormal(new Shape(64, 8));
      NDArray noise = GumbelSoftmax.noise(m, logits.getShape());
      NDArray relaxed = GumbelSoftmax.relax(logits, noise, 1e-3f, 1);
      NDArray oneHot = logits.add(noise).argMax(1).oneHot(8);
      assertEquals(0f, relaxed.sub(oneHot).abs().max().getFloat(), 1e-3f);
      // At τ = 1 the same noise gives a soft vector, not a one-hot one.
      assertTrue(GumbelSoftmax.relax(logits, noise, 1f, 1).max().getFloat() < 1f - 1e-3f);
    }
  }

  @Test
  void isRepeatableWithTheEngineSeed() {
    try (NDManager m = manager.newSubManager()) {
      NDArray logits = m.zeros(new Shape(4, 16));
      engine.setRandomSeed(1234);
      float[] first = GumbelSoftmax.sample(logits, 1f, 1).toFloatArray();
      engine.setRandomSeed(1234);
      float[] second = GumbelSoftmax.sample(logits, 1f, 1).toFloatArray();
      engine.setRandomSeed(4321);
      float[] third = GumbelSoftmax.sample(logits, 1f, 1).toFloatArray();
      assertArrayEquals(first, second);
      assertFalse(Arrays.equals(first, third));
    }
  }

  @Test
  void noiseHasTheStandardGumbelMeanAndVariance() {
    try (NDManager m = manager.newSubManager()) {
      NDArray g = GumbelSoftmax.noise(m, new Shape(200_000));
      float mean = g.mean().getFloat();
      float variance = g.sub(mean).square().mean().getFloat();
      assertEquals(0.5772f, mean, 0.02f); // Euler–Mascheroni constant
      assertEquals((float) (Math.PI * Math.PI / 6), variance, 0.05f);
    }
  }

  @Test
  void gumbelMaxSamplesTheSoftmaxDistribution() {
    try (NDManager m = manager.newSubManager()) {
      // Probabilities (1/8, 2/8, 5/8).
      float[] logits = {0f, (float) Math.log(2), (float) Math.log(5)};
      int n = 40_000;
      NDArray rows = m.create(logits).reshape(1, 3).repeat(0, n);
      NDArray codes = GumbelSoftmax.hard(rows.add(GumbelSoftmax.noise(m, rows.getShape())), 1);
      int[] counts = new int[3];
      for (int code : codes.toIntArray()) {
        counts[code]++;
      }
      assertEquals(0.125, counts[0] / (double) n, 0.01);
      assertEquals(0.25, counts[1] / (double) n, 0.01);
      assertEquals(0.625, counts[2] / (double) n, 0.01);
    }
  }

  @Test
  void hardEncodingIsTheArgmaxAsInt32() {
    try (NDManager m = manager.newSubManager()) {
      // Codes on axis 1: position 0 has logits (0, 1, 2), position 1 has (3, 5, 4).
      NDArray logits = m.create(new float[] {0f, 3f, 1f, 5f, 2f, 4f}, new Shape(1, 3, 2));
      NDArray codes = GumbelSoftmax.hard(logits, 1);
      assertEquals(DataType.INT32, codes.getDataType());
      assertArrayEquals(new int[] {2, 1}, codes.toIntArray());
    }
  }

  @Test
  void rejectsTemperaturesThatAreNotPositive() {
    try (NDManager m = manager.newSubManager()) {
      NDArray logits = m.zeros(new Shape(2, 3));
      for (float tau : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class, () -> GumbelSoftmax.sample(logits, tau, 1));
        assertTrue(e.getMessage().startsWith("temperature tau is " + tau), e.getMessage());
      }
    }
  }
}
