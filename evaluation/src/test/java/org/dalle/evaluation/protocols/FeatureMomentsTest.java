package org.dalle.evaluation.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.dalle.evaluation.metrics.FeatureMatrix;
import org.dalle.evaluation.metrics.FeatureStatistics;
import org.junit.jupiter.api.Test;

class FeatureMomentsTest {
  private static double[][] rows(int n, int d, long seed) {
    Random random = new Random(seed);
    double[][] rows = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        // An offset far from zero makes a naive sum of squares lose digits; Chan's update must not.
        rows[i][j] = 1000 + random.nextGaussian() * (j + 1) + (j == 2 ? rows[i][0] * 0.5 : 0);
      }
    }
    return rows;
  }

  private static void assertStatisticsEqual(FeatureStatistics expected, FeatureStatistics actual) {
    FeatureStatisticsPipelineTest.assertClose(expected.mu(), actual.mu(), "mu");
    FeatureStatisticsPipelineTest.assertClose(expected.sigma(), actual.sigma(), 1e-9, "sigma");
  }

  @Test
  void piecesMergedInAnyOrderGiveTheOnePassStatistics() {
    double[][] rows = rows(700, 5, 1); // more than two blocks of 256
    FeatureStatistics expected = FeatureStatistics.fromFeatures(FeatureMatrix.of(rows), false);

    FeatureMoments single = new FeatureMoments();
    for (double[] row : rows) {
      single.add(row);
    }
    assertEquals(700, single.count());
    assertStatisticsEqual(expected, single.toStatistics());

    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(3));
    List<FeatureMoments> pieces = new ArrayList<>();
    int[] sizes = {1, 2, 300, 7, 0, 390};
    int next = 0;
    for (int size : sizes) {
      FeatureMoments piece = new FeatureMoments();
      for (int k = 0; k < size; k++) {
        piece.add(rows[order.get(next++)]);
      }
      pieces.add(piece);
    }
    Collections.shuffle(pieces, new Random(4));
    FeatureMoments merged = new FeatureMomentsFn().mergeAccumulators(pieces);
    assertEquals(700, merged.count());
    assertStatisticsEqual(expected, merged.toStatistics());
  }

  @Test
  void theCoderKeepsFoldedAndBufferedRowsExactly() throws IOException {
    double[][] rows = rows(260, 3, 2);
    FeatureMoments moments = new FeatureMoments();
    for (double[] row : rows) {
      moments.add(row); // 256 folded, 4 still buffered
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FeatureMomentsCoder.of().encode(moments, bytes);
    FeatureMoments decoded =
        FeatureMomentsCoder.of().decode(new ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(260, decoded.count());
    FeatureStatistics a = moments.toStatistics();
    FeatureStatistics b = decoded.toStatistics();
    assertTrue(java.util.Arrays.equals(a.mu(), b.mu()));
    assertTrue(java.util.Arrays.equals(a.sigma(), b.sigma()));

    ByteArrayOutputStream empty = new ByteArrayOutputStream();
    FeatureMomentsCoder.of().encode(new FeatureMoments(), empty);
    assertEquals(
        0, FeatureMomentsCoder.of().decode(new ByteArrayInputStream(empty.toByteArray())).count());
  }

  @Test
  void mismatchedOrNonFiniteRowsAndTooFewRowsAreErrors() {
    FeatureMoments moments = new FeatureMoments();
    moments.add(new double[] {1, 2});
    IllegalArgumentException wrongLength =
        assertThrows(IllegalArgumentException.class, () -> moments.add(new double[] {1, 2, 3}));
    assertTrue(wrongLength.getMessage().contains("3 values"), wrongLength.getMessage());
    assertThrows(IllegalArgumentException.class, () -> moments.add(new double[] {1, Double.NaN}));
    IllegalStateException one = assertThrows(IllegalStateException.class, moments::toStatistics);
    assertTrue(one.getMessage().contains("at least 2"), one.getMessage());
  }
}
