package org.dalle.evaluation.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The closed-form cases of issue 5, each to 1e-9 relative, and the error cases. */
class FrechetDistanceTest {
  private static void assertRelative(double expected, double actual) {
    assertEquals(expected, actual, 1e-9 * Math.abs(expected), "expected " + expected);
  }

  private static double[] diag(double... values) {
    int d = values.length;
    double[] m = new double[d * d];
    for (int i = 0; i < d; i++) {
      m[i * d + i] = values[i];
    }
    return m;
  }

  @Test
  void diagonalCovariancesGiveSeventeen() {
    FeatureStatistics a = FeatureStatistics.of(new double[] {0, 0, 0}, diag(1, 4, 9));
    FeatureStatistics b = FeatureStatistics.of(new double[] {1, 2, 3}, diag(4, 9, 16));
    // 14 + 14 + 29 − 2 (2 + 6 + 12) = 17
    assertRelative(17.0, FrechetDistance.between(a, b));
  }

  @Test
  void nonCommutingCovariancesGiveTenMinusTwoRootFourteen() {
    FeatureStatistics a = FeatureStatistics.of(new double[] {0, 0}, new double[] {2, 1, 1, 2});
    FeatureStatistics b = FeatureStatistics.of(new double[] {1, 1}, diag(1, 3));
    assertRelative(10 - 2 * Math.sqrt(14), FrechetDistance.between(a, b));
    assertRelative(2.5166852264521173, FrechetDistance.between(a, b));
  }

  @Test
  void featuresOfTheUnitSquareAndTheirImageUnderTwoXPlusOne() {
    double[][] x = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    double[][] y = new double[4][2];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 2; j++) {
        y[i][j] = 2 * x[i][j] + 1;
      }
    }
    FeatureStatistics a = FeatureStatistics.fromFeatures(FeatureMatrix.of(x), false);
    FeatureStatistics b = FeatureStatistics.fromFeatures(FeatureMatrix.of(y), false);
    assertRelative(1.0 / 3, a.covariance(0, 0)); // ddof = 1
    assertEquals(0.0, a.covariance(0, 1), 1e-15);
    assertRelative(31.0 / 6, FrechetDistance.between(a, b));
  }

  @Test
  void identityCovariancesInDimension2048GiveTheDimension() {
    int d = 2048;
    double[] ones = new double[d];
    java.util.Arrays.fill(ones, 1.0);
    double[] identity = new double[d * d];
    for (int i = 0; i < d; i++) {
      identity[i * d + i] = 1.0;
    }
    FeatureStatistics a = FeatureStatistics.of(new double[d], identity);
    FeatureStatistics b = FeatureStatistics.of(ones, identity);
    assertRelative(2048.0, FrechetDistance.between(a, b));
  }

  @Test
  void identicalStatisticsAreAtDistanceZeroAndTheDistanceIsSymmetric() {
    Random random = new Random(7);
    double[][] x = new double[40][6];
    double[][] y = new double[30][6];
    for (double[] row : x) {
      for (int j = 0; j < 6; j++) {
        row[j] = random.nextGaussian();
      }
    }
    for (double[] row : y) {
      for (int j = 0; j < 6; j++) {
        row[j] = 0.5 + 2 * random.nextGaussian() * (j + 1);
      }
    }
    FeatureStatistics a = FeatureStatistics.fromFeatures(FeatureMatrix.of(x), false);
    FeatureStatistics b = FeatureStatistics.fromFeatures(FeatureMatrix.of(y), false);
    assertEquals(0.0, FrechetDistance.between(a, a), 1e-9);
    double ab = FrechetDistance.between(a, b);
    assertTrue(ab > 1);
    assertRelative(ab, FrechetDistance.between(b, a));
  }

  @Test
  void choleskyAndEigenFactorsGiveTheSameTrace() {
    FeatureStatistics a = randomStatistics(1, 50, 8);
    FeatureStatistics b = randomStatistics(2, 50, 8);
    double cholesky =
        TraceSqrtProduct.of(a.sigmaView(), b.sigmaView(), 8, TraceSqrtProduct.Factor.CHOLESKY);
    double eigen =
        TraceSqrtProduct.of(a.sigmaView(), b.sigmaView(), 8, TraceSqrtProduct.Factor.EIGEN);
    assertRelative(cholesky, eigen);
  }

  @Test
  void rankDeficientCovarianceIsRefusedUnlessAllowedThenHandledByTheEigenRoute() {
    double[][] x = {{0, 0, 1}, {1, 0, 0}}; // 2 samples, 3 dimensions
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> FeatureStatistics.fromFeatures(FeatureMatrix.of(x), false));
    assertTrue(error.getMessage().contains("rank deficient"), error.getMessage());

    FeatureStatistics a = FeatureStatistics.fromFeatures(FeatureMatrix.of(x), true);
    assertTrue(a.isRankDeficient());
    // Σ = v vᵀ with v = (1, 0, −1)/√2, so Tr (ΣΣ)^½ = Tr Σ = 1 and FID(a, a) = 0.
    assertEquals(0.0, FrechetDistance.between(a, a), 1e-12);
    double[] identity = diag(1, 1, 1);
    FeatureStatistics b = FeatureStatistics.of(a.mu(), identity);
    // Tr (Σ I)^½ = Tr Σ^½ = 1: FID = 1 + 3 − 2.
    assertRelative(2.0, FrechetDistance.between(a, b));
  }

  @Test
  void nonFiniteInputNamesTheValueAndItsPosition() {
    double[][] x = {{0, 0}, {1, Double.NaN}, {0, 1}};
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> FeatureStatistics.fromFeatures(FeatureMatrix.of(x), false));
    assertTrue(error.getMessage().contains("row 1, column 1 is NaN"), error.getMessage());

    double[] sigma = diag(1, Double.POSITIVE_INFINITY);
    error =
        assertThrows(
            IllegalArgumentException.class, () -> FeatureStatistics.of(new double[] {0, 0}, sigma));
    assertTrue(error.getMessage().contains("sigma row 1, column 1 is Infinity"));
  }

  @Test
  void mismatchedDimensionsAndNonCovariancesAreRefused() {
    FeatureStatistics two = FeatureStatistics.of(new double[2], diag(1, 1));
    FeatureStatistics three = FeatureStatistics.of(new double[3], diag(1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> FrechetDistance.between(two, three));
    FeatureStatistics indefinite = FeatureStatistics.of(new double[2], diag(1, -4));
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class, () -> FrechetDistance.between(two, indefinite));
    assertTrue(error.getMessage().contains("not positive semi-definite"), error.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> FeatureStatistics.fromFeatures(FeatureMatrix.of(new double[][] {{1, 2}}), true));
  }

  private static FeatureStatistics randomStatistics(long seed, int n, int d) {
    Random random = new Random(seed);
    double[][] x = new double[n][d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] = random.nextGaussian() + (j % 3) * row[0];
      }
    }
    return FeatureStatistics.fromFeatures(FeatureMatrix.of(x), false);
  }
}
