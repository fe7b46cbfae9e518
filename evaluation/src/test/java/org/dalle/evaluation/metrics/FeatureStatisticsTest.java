package org.dalle.evaluation.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureStatisticsTest {
  @Test
  void covarianceAccumulatedInChunksMatchesTheTwoPassFormula() {
    int n = 2500; // more than one chunk of 1024 rows
    int d = 5;
    Random random = new Random(3);
    double[][] x = new double[n][d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] = 100 + random.nextGaussian() * (j + 1) + (j > 0 ? row[j - 1] : 0);
      }
    }
    FeatureStatistics statistics = FeatureStatistics.fromFeatures(FeatureMatrix.of(x), false);
    double[] mean = new double[d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j] / n;
      }
    }
    for (int i = 0; i < d; i++) {
      assertEquals(mean[i], statistics.mean(i), 1e-9);
      for (int j = 0; j < d; j++) {
        double sum = 0;
        for (double[] row : x) {
          sum += (row[i] - mean[i]) * (row[j] - mean[j]);
        }
        assertEquals(sum / (n - 1), statistics.covariance(i, j), 1e-9 * Math.abs(sum / (n - 1)));
        assertEquals(statistics.covariance(j, i), statistics.covariance(i, j), 0.0);
      }
    }
    assertEquals(n, statistics.sampleCount().getAsLong());
  }
}
