package org.dalle.evaluation.metrics;

import java.util.OptionalLong;
import org.bytedeco.openblas.global.openblas;

/**
 * The Gaussian fitted to a set of features for the FID: the mean μ and the covariance Σ with ddof =
 * 1 (the unbiased estimate, as numpy's {@code np.cov} and pytorch-fid), both in float64. Σ is
 * stored row-major, {@code dimension × dimension}.
 *
 * <p>Statistics read from an {@code .npz} file (pytorch-fid's precomputed reference statistics) do
 * not say how many samples they came from, so {@link #sampleCount()} is then empty.
 */
public final class FeatureStatistics {
  /** Rows centred and accumulated into Σ per BLAS call, bounding the extra memory. */
  private static final int CHUNK_ROWS = 1024;

  private final int dimension;
  private final double[] mu;
  private final double[] sigma;
  private final long sampleCount;

  private FeatureStatistics(int dimension, double[] mu, double[] sigma, long sampleCount) {
    this.dimension = dimension;
    this.mu = mu;
    this.sigma = sigma;
    this.sampleCount = sampleCount;
  }

  /**
   * Statistics given directly, e.g. read from a file.
   *
   * @param mu the mean, length d
   * @param sigma the covariance, d × d row-major
   * @throws IllegalArgumentException for mismatched sizes or a non-finite value
   */
  public static FeatureStatistics of(double[] mu, double[] sigma) {
    int d = mu.length;
    if (d < 1) {
      throw new IllegalArgumentException("mu is empty; expected a mean vector of length >= 1");
    }
    if (sigma.length != (long) d * d) {
      throw new IllegalArgumentException(
          "sigma has "
              + sigma.length
              + " values but mu has length "
              + d
              + "; expected a "
              + d
              + " x "
              + d
              + " covariance");
    }
    new FeatureMatrix(1, d, mu).requireFinite("mu");
    new FeatureMatrix(d, d, sigma).requireFinite("sigma");
    return new FeatureStatistics(d, mu.clone(), sigma.clone(), -1);
  }

  /**
   * Mean and covariance (ddof = 1) of the feature rows.
   *
   * @param allowRankDeficient accept fewer samples than dimensions; the covariance then has rank at
   *     most n − 1 &lt; d and the FID is biased, so it is refused unless asked for
   * @throws IllegalArgumentException for a non-finite feature, fewer than 2 samples, or fewer
   *     samples than dimensions when not allowed
   */
  public static FeatureStatistics fromFeatures(FeatureMatrix features, boolean allowRankDeficient) {
    int n = features.rows();
    int d = features.columns();
    features.requireFinite("feature");
    if (n < 2) {
      throw new IllegalArgumentException(
          "the covariance (ddof = 1) needs at least 2 feature rows but got " + n);
    }
    if (n < d && !allowRankDeficient) {
      throw new IllegalArgumentException(rankDeficiencyMessage(n, d));
    }
    double[] x = features.values();
    double[] mu = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        mu[j] += x[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mu[j] /= n;
    }
    // Σ = (X − μ)ᵀ(X − μ) / (n − 1), accumulated chunk by chunk into the upper triangle.
    double[] sigma = new double[d * d];
    double[] centred = new double[Math.min(n, CHUNK_ROWS) * d];
    for (int start = 0; start < n; start += CHUNK_ROWS) {
      int rows = Math.min(CHUNK_ROWS, n - start);
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < d; j++) {
          centred[i * d + j] = x[(start + i) * d + j] - mu[j];
        }
      }
      openblas.cblas_dsyrk(
          openblas.CblasRowMajor,
          openblas.CblasUpper,
          openblas.CblasTrans,
          d,
          rows,
          1.0 / (n - 1),
          centred,
          d,
          1.0,
          sigma,
          d);
    }
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < i; j++) {
        sigma[i * d + j] = sigma[j * d + i];
      }
    }
    return new FeatureStatistics(d, mu, sigma, n);
  }

  /** The warning (or, when not allowed, the error) for fewer samples than dimensions. */
  public static String rankDeficiencyMessage(long n, int d) {
    return "only "
        + n
        + " feature rows for "
        + d
        + " dimensions: the covariance is rank deficient (rank <= "
        + (n - 1)
        + ") and the FID is biased; use at least "
        + d
        + " images (pytorch-fid recommends at least 2048, the paper uses 30,000)";
  }

  public int dimension() {
    return dimension;
  }

  /** A copy of the mean. */
  public double[] mu() {
    return mu.clone();
  }

  /** A copy of the covariance, row-major. */
  public double[] sigma() {
    return sigma.clone();
  }

  public double mean(int i) {
    return mu[i];
  }

  public double covariance(int i, int j) {
    return sigma[i * dimension + j];
  }

  /** The number of feature rows, when known. */
  public OptionalLong sampleCount() {
    return sampleCount < 0 ? OptionalLong.empty() : OptionalLong.of(sampleCount);
  }

  /** Whether the statistics are known to come from fewer samples than dimensions. */
  public boolean isRankDeficient() {
    return sampleCount >= 0 && sampleCount < dimension;
  }

  double[] sigmaView() {
    return sigma;
  }

  double[] muView() {
    return mu;
  }
}
