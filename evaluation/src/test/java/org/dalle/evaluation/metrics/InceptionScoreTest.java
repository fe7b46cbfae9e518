package org.dalle.evaluation.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The closed-form cases of issue 5, to 1e-9 relative. */
class InceptionScoreTest {
  @Test
  void allZeroLogitsScoreExactlyOne() {
    InceptionScore.Result result = InceptionScore.of(new FeatureMatrix(30, 5, new double[150]), 10);
    assertEquals(1.0, result.mean());
    assertEquals(0.0, result.std());
  }

  @Test
  void fourRowsRepeatedFiveTimesInTenSplits() {
    double[][] block = {{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 0, 0, 1}, {2, 2, 0, 0}};
    double[][] rows = new double[20][];
    for (int i = 0; i < 20; i++) {
      rows[i] = block[i % 4];
    }
    InceptionScore.Result result = InceptionScore.of(FeatureMatrix.of(rows), 10);
    assertEquals(1.2877802346745486, result.mean(), 1e-9 * 1.2877802346745486);
    assertEquals(0.16790688032154666, result.std(), 1e-9 * 0.16790688032154666);
  }

  @Test
  void oneSplitOfTwoCertainAndDistinctPredictionsScoresTwo() {
    // p(y|x) one-hot on different classes, p(y) uniform over two: KL = log 2 for each row.
    InceptionScore.Result result =
        InceptionScore.of(FeatureMatrix.of(new double[][] {{800, 0}, {0, 800}}), 1);
    assertEquals(2.0, result.mean(), 1e-12);
  }

  @Test
  void badInputIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> InceptionScore.of(new FeatureMatrix(5, 3, new double[15]), 10));
    assertThrows(
        IllegalArgumentException.class,
        () -> InceptionScore.of(FeatureMatrix.of(new double[][] {{Double.NaN, 0}}), 1));
  }
}
