package org.dalle.evaluation.protocols;

import org.bytedeco.openblas.global.openblas;
import org.dalle.evaluation.metrics.FeatureStatistics;

/**
 * Running moments of feature vectors in float64 — count n, mean μ and the sum of squared deviations
 * M₂ = Σ (x − μ)(x − μ)ᵀ — that can be built in pieces on different workers and merged in any order
 * (Chan, Golub and LeVeque's pairwise update), so the FID statistics of a distributed pipeline
 * equal those of one pass over all features: Σ = M₂ / (n − 1) (ddof = 1).
 *
 * <p>Rows are buffered and folded in blocks: a block's mean and M₂ come from one BLAS {@code dsyrk}
 * on the centred rows, then the block is merged in. Only the upper triangle of M₂ is kept up to
 * date; {@link #toStatistics()} mirrors it.
 */
public final class FeatureMoments {
  static final int BLOCK_ROWS = 256;

  private long count;
  private int dimension;
  private double[] mean;
  private double[] m2;
  private double[] block;
  private int blockRows;

  /** Empty moments; the dimension is set by the first row. */
  public FeatureMoments() {}

  FeatureMoments(long count, int dimension, double[] mean, double[] m2, double[] block, int rows) {
    this.count = count;
    this.dimension = dimension;
    this.mean = mean;
    this.m2 = m2;
    this.block = block;
    this.blockRows = rows;
  }

  /**
   * @throws IllegalArgumentException when the row's length differs from earlier rows' or a value is
   *     not finite
   */
  public void add(double[] row) {
    requireDimension(row.length);
    for (int j = 0; j < row.length; j++) {
      if (!Double.isFinite(row[j])) {
        throw new IllegalArgumentException(
            "feature " + j + " is " + row[j] + "; every feature must be finite");
      }
    }
    if (block == null) {
      block = new double[BLOCK_ROWS * dimension];
    }
    System.arraycopy(row, 0, block, blockRows * dimension, dimension);
    blockRows++;
    if (blockRows == BLOCK_ROWS) {
      foldBlock();
    }
  }

  /** Adds {@code other}'s rows to these moments; {@code other} is left unchanged in value. */
  public void merge(FeatureMoments other) {
    other.foldBlock();
    if (other.count == 0) {
      return;
    }
    requireDimension(other.dimension);
    foldBlock();
    mergeMoments(other.count, other.mean, other.m2);
  }

  /** The number of rows added. */
  public long count() {
    return count + blockRows;
  }

  /** The feature dimension, 0 before the first row. */
  public int dimension() {
    return dimension;
  }

  /**
   * μ and Σ = M₂ / (n − 1).
   *
   * @throws IllegalStateException with fewer than 2 rows
   */
  public FeatureStatistics toStatistics() {
    foldBlock();
    if (count < 2) {
      throw new IllegalStateException(
          "the covariance (ddof = 1) needs at least 2 feature rows but got " + count);
    }
    int d = dimension;
    double[] sigma = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        double value = m2[i * d + j] / (count - 1);
        sigma[i * d + j] = value;
        sigma[j * d + i] = value;
      }
    }
    return FeatureStatistics.of(mean, sigma);
  }

  /** Folds the buffered rows into (count, mean, M₂); afterwards the buffer is empty. */
  void foldBlock() {
    if (blockRows == 0) {
      return;
    }
    int d = dimension;
    int rows = blockRows;
    double[] blockMean = new double[d];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < d; j++) {
        blockMean[j] += block[i * d + j];
      }
    }
    for (int j = 0; j < d; j++) {
      blockMean[j] /= rows;
    }
    double[] centred = new double[rows * d];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < d; j++) {
        centred[i * d + j] = block[i * d + j] - blockMean[j];
      }
    }
    double[] blockM2 = new double[d * d];
    openblas.cblas_dsyrk(
        openblas.CblasRowMajor,
        openblas.CblasUpper,
        openblas.CblasTrans,
        d,
        rows,
        1.0,
        centred,
        d,
        0.0,
        blockM2,
        d);
    blockRows = 0;
    mergeMoments(rows, blockMean, blockM2);
  }

  /** Chan et al.: n = nₐ + n_b, μ = μₐ + δ n_b / n, M₂ = M₂ₐ + M₂_b + δδᵀ nₐ n_b / n. */
  private void mergeMoments(long otherCount, double[] otherMean, double[] otherM2) {
    int d = dimension;
    if (count == 0) {
      count = otherCount;
      mean = otherMean.clone();
      m2 = otherM2.clone();
      return;
    }
    long total = count + otherCount;
    double[] delta = new double[d];
    for (int j = 0; j < d; j++) {
      delta[j] = otherMean[j] - mean[j];
      mean[j] += delta[j] * otherCount / total;
    }
    for (int i = 0; i < d * d; i++) {
      m2[i] += otherM2[i];
    }
    double weight = (double) count * otherCount / total;
    openblas.cblas_dsyr(openblas.CblasRowMajor, openblas.CblasUpper, d, weight, delta, 1, m2, d);
    count = total;
  }

  private void requireDimension(int d) {
    if (d < 1) {
      throw new IllegalArgumentException("a feature row needs at least one value");
    }
    if (dimension == 0) {
      dimension = d;
    } else if (dimension != d) {
      throw new IllegalArgumentException(
          "a feature row has "
              + d
              + " values but earlier rows have "
              + dimension
              + "; every image must go through the same network");
    }
  }

  long foldedCount() {
    return count;
  }

  double[] meanView() {
    return mean;
  }

  double[] m2View() {
    return m2;
  }

  double[] blockView() {
    return block;
  }

  int blockRows() {
    return blockRows;
  }
}
