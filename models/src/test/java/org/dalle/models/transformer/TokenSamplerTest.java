package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
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
  void drawAndSampleGiveTheSameTokens() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits = manager.randomNormal(0, 3, new Shape(6, 40), DataType.FLOAT32);
      for (SamplingOptions options :
          new SamplingOptions[] {
            SamplingOptions.paper(),
            new SamplingOptions(0.7f, 0, 1f),
            new SamplingOptions(0f, 0, 1f),
            new SamplingOptions(1f, 5, 0.9f)
          }) {
        TokenSampler engine = new TokenSampler(options, 6, 11);
        TokenSampler java = new TokenSampler(options, 6, 11);
        for (int round = 0; round < 5; round++) {
          assertArrayEquals(
              engine.sample(logits).toLongArray(), java.draw(logits), options + " round " + round);
        }
      }
    }
  }

  @Test
  void theRaceNeverPicksAnEntryOfProbabilityZero() {
    // One row of six entries at offset 1: only entries 1 and 4 of the row can be drawn, equally.
    float[] p = {1f, 0f, 1e-30f, 0f, 0f, 1e-30f, 0f};
    SplittableRandom random = new SplittableRandom(3);
    int[] counts = new int[6];
    for (int draw = 0; draw < 2000; draw++) {
      counts[TokenSampler.race(p, 1, 6, random)]++;
    }
    assertEquals(2000, counts[1] + counts[4], Arrays.toString(counts));
    assertEquals(0.5, counts[1] / 2000.0, 0.045, Arrays.toString(counts)); // 4 standard deviations
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TokenSampler.race(new float[] {0f, Float.NaN}, 0, 2, random));
    assertTrue(e.getMessage().startsWith("no token of this row has a positive probability"));
  }

  @Test
  void theRaceSamplesSkewedRowsExactly() {
    // One likely token among many unlikely ones: the pruning must not bias the rare draws.
    int vocabulary = 200;
    float[] p = new float[vocabulary];
    Arrays.fill(p, 0.5f / (vocabulary - 1));
    p[150] = 0.5f;
    SplittableRandom random = new SplittableRandom(9);
    int likely = 0;
    int low = 0;
    int draws = 20000;
    for (int draw = 0; draw < draws; draw++) {
      int token = TokenSampler.race(p, 0, vocabulary, random);
      likely += token == 150 ? 1 : 0;
      low += token < 100 ? 1 : 0;
    }
    // 4 standard deviations: 0.014 for the likely token, 0.012 for the first hundred.
    assertEquals(0.5, likely / (double) draws, 0.014);
    assertEquals(100 * 0.5 / (vocabulary - 1), low / (double) draws, 0.012);
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
