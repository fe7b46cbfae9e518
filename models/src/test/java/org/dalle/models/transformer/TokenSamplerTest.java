package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Gumbel-max sampling: the right frequencies, truncation, greediness and reproducibility. */
class TokenSamplerTest {

  private static final int ROWS = 6000;
  private static final double[] PROBABILITIES = {0.5, 0.3, 0.2};

  @Test
  void samplesTheSoftmaxDistribution() {
    assertFrequencies(new SamplingOptions(1f, 0, 1f), new double[] {0.5, 0.3, 0.2});
  }

  @Test
  void temperatureFlattensTheDistribution() {
    double[] roots = Arrays.stream(PROBABILITIES).map(Math::sqrt).toArray();
    double sum = Arrays.stream(roots).sum();
    assertFrequencies(
        new SamplingOptions(2f, 0, 1f), Arrays.stream(roots).map(r -> r / sum).toArray());
  }

  @Test
  void topKKeepsTheKMostLikely() {
    assertFrequencies(new SamplingOptions(1f, 2, 1f), new double[] {0.625, 0.375, 0});
  }

  @Test
  void topPKeepsTheSmallestSetReachingP() {
    // The mass before each token is 0, 0.5, 0.8: top-p 0.6 keeps two tokens, 0.5 keeps one.
    assertFrequencies(new SamplingOptions(1f, 0, 0.6f), new double[] {0.625, 0.375, 0});
    assertFrequencies(new SamplingOptions(1f, 0, 0.5f), new double[] {1, 0, 0});
  }

  @Test
  void temperatureZeroIsGreedy() {
    assertFrequencies(new SamplingOptions(0f, 0, 1f), new double[] {1, 0, 0});
  }

  @Test
  void theSameSeedGivesTheSameTokensAndRowsDoNotDependOnTheBatch() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits = manager.randomNormal(new Shape(4, 50));
      SamplingOptions options = SamplingOptions.paper();
      long[] first = new TokenSampler(options, 4, 42).sample(logits).toLongArray();
      long[] again = new TokenSampler(options, 4, 42).sample(logits).toLongArray();
      long[] other = new TokenSampler(options, 4, 43).sample(logits).toLongArray();
      assertArrayEquals(first, again);
      assertFalse(Arrays.equals(first, other), "seed 43 drew the same tokens as seed 42");
      long[] single = new TokenSampler(options, 1, 42).sample(logits.get("0:1")).toLongArray();
      assertEquals(first[0], single[0]);
    }
  }

  @Test
  void drawingOnTheJavaSideGivesTheEngineSamplersTokens() {
    try (NDManager manager = NDManager.newBaseManager()) {
      java.util.Random random = new java.util.Random(5);
      float[] values = new float[6 * 40];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian() * 3;
      }
      values[7] = values[8]; // a tie in row 0
      NDArray logits = manager.create(values, new Shape(6, 40));
      for (SamplingOptions options :
          new SamplingOptions[] {
            SamplingOptions.paper(),
            new SamplingOptions(0.7f, 0, 1f),
            new SamplingOptions(0f, 0, 1f),
            new SamplingOptions(1f, 5, 0.9f)
          }) {
        TokenSampler engine = new TokenSampler(options, 6, 11);
        TokenSampler java = new TokenSampler(options, 6, 11);
        for (int round = 0; round < 20; round++) {
          assertArrayEquals(
              engine.sample(logits).toLongArray(), java.draw(logits), options + " round " + round);
        }
      }
    }
  }

  @Test
  void badOptionsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(-1f, 0, 1f).validate());
    assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1f, -2, 1f).validate());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new SamplingOptions(1f, 0, 0f).validate());
    assertEquals("top-p is 0.0; expected in (0, 1] (1 = off)", e.getMessage());
  }

  /** Draws one token in each of many identical rows and compares the frequencies. */
  private static void assertFrequencies(SamplingOptions options, double[] expected) {
    try (NDManager manager = NDManager.newBaseManager()) {
      float[] logits = new float[ROWS * 3];
      for (int i = 0; i < logits.length; i++) {
        logits[i] = (float) Math.log(PROBABILITIES[i % 3]);
      }
      NDArray tokens =
          new TokenSampler(options, ROWS, 7).sample(manager.create(logits, new Shape(ROWS, 3)));
      double[] counts = new double[3];
      for (long token : tokens.toLongArray()) {
        counts[(int) token]++;
      }
      for (int v = 0; v < 3; v++) {
        // 4 standard deviations of a frequency estimated from 6000 draws is at most 0.026.
        assertEquals(expected[v], counts[v] / ROWS, 0.026, options + ", token " + v);
      }
    }
  }
}
