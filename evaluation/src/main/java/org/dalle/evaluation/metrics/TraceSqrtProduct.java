package org.dalle.evaluation.metrics;

import org.bytedeco.openblas.global.openblas;

/**
 * Tr (Σ₁Σ₂)^½ for two symmetric positive semi-definite matrices, from eigenvalues of a symmetric
 * matrix with the same spectrum as Σ₁Σ₂, computed with LAPACK (OpenBLAS).
 *
 * <p>For any factor F with Σ₁ = F Fᵀ, Σ₁Σ₂ = F (Fᵀ Σ₂ F) F⁻¹ when F is invertible (and in general
 * the non-zero eigenvalues of F·FᵀΣ₂ and FᵀΣ₂·F agree), so the eigenvalues λᵢ of the symmetric
 * positive semi-definite M = Fᵀ Σ₂ F are those of Σ₁Σ₂ and of √Σ₁ Σ₂ √Σ₁, and Tr (Σ₁Σ₂)^½ = Σ √λᵢ.
 * F is the Cholesky factor L of Σ₁ when Σ₁ is positive definite (cheapest: one factorisation, two
 * triangular products and one eigenvalue-only decomposition) and V·diag(√max(0, μ)) from the
 * eigendecomposition Σ₁ = V diag(μ) Vᵀ otherwise (a rank-deficient Σ₁, e.g. from fewer samples than
 * dimensions). This avoids the complex Schur form that {@code scipy.linalg.sqrtm} goes through and
 * its spurious imaginary parts.
 */
final class TraceSqrtProduct {
  /** A negative eigenvalue of M below −this × the largest one means an input was not PSD. */
  static final double NEGATIVE_TOLERANCE = 1e-6;

  enum Factor {
    CHOLESKY,
    EIGEN
  }

  private TraceSqrtProduct() {}

  /** Tr (Σ₁Σ₂)^½ for d × d row-major symmetric PSD matrices (not modified). */
  static double of(double[] sigma1, double[] sigma2, int d) {
    double[] factor = sigma1.clone();
    int info = openblas.LAPACKE_dpotrf(openblas.LAPACK_ROW_MAJOR, (byte) 'L', d, factor, d);
    if (info < 0) {
      throw new IllegalStateException("LAPACK dpotrf rejected argument " + (-info));
    }
    return info == 0 ? choleskyRoute(factor, sigma2, d) : eigenRoute(sigma1.clone(), sigma2, d);
  }

  /** The same with the factor forced, so tests can check that both routes agree. */
  static double of(double[] sigma1, double[] sigma2, int d, Factor route) {
    if (route == Factor.EIGEN) {
      return eigenRoute(sigma1.clone(), sigma2, d);
    }
    double[] factor = sigma1.clone();
    int info = openblas.LAPACKE_dpotrf(openblas.LAPACK_ROW_MAJOR, (byte) 'L', d, factor, d);
    if (info != 0) {
      throw new IllegalArgumentException(
          "sigma1 is not positive definite (LAPACK dpotrf info " + info + ")");
    }
    return choleskyRoute(factor, sigma2, d);
  }

  /** M = Lᵀ Σ₂ L with L the lower Cholesky factor (dtrmm reads only the lower triangle). */
  private static double choleskyRoute(double[] lower, double[] sigma2, int d) {
    double[] m = sigma2.clone();
    // m := Σ₂ L
    openblas.cblas_dtrmm(
        openblas.CblasRowMajor,
        openblas.CblasRight,
        openblas.CblasLower,
        openblas.CblasNoTrans,
        openblas.CblasNonUnit,
        d,
        d,
        1.0,
        lower,
        d,
        m,
        d);
    // m := Lᵀ (Σ₂ L)
    openblas.cblas_dtrmm(
        openblas.CblasRowMajor,
        openblas.CblasLeft,
        openblas.CblasLower,
        openblas.CblasTrans,
        openblas.CblasNonUnit,
        d,
        d,
        1.0,
        lower,
        d,
        m,
        d);
    return sumOfRootEigenvalues(m, d);
  }

  /** M = Wᵀ Σ₂ W with W = V diag(√max(0, μ)) from Σ₁ = V diag(μ) Vᵀ. */
  private static double eigenRoute(double[] vectors, double[] sigma2, int d) {
    double[] values = new double[d];
    int info =
        openblas.LAPACKE_dsyevd(
            openblas.LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'U', d, vectors, d, values);
    if (info != 0) {
      throw new IllegalStateException("LAPACK dsyevd did not converge (info " + info + ")");
    }
    for (int j = 0; j < d; j++) {
      double root = Math.sqrt(Math.max(0.0, values[j]));
      for (int i = 0; i < d; i++) {
        vectors[i * d + j] *= root; // column j of V scaled by √μⱼ
      }
    }
    double[] product = new double[d * d];
    openblas.cblas_dsymm(
        openblas.CblasRowMajor,
        openblas.CblasLeft,
        openblas.CblasUpper,
        d,
        d,
        1.0,
        sigma2,
        d,
        vectors,
        d,
        0.0,
        product,
        d);
    double[] m = new double[d * d];
    openblas.cblas_dgemm(
        openblas.CblasRowMajor,
        openblas.CblasTrans,
        openblas.CblasNoTrans,
        d,
        d,
        d,
        1.0,
        vectors,
        d,
        product,
        d,
        0.0,
        m,
        d);
    return sumOfRootEigenvalues(m, d);
  }

  private static double sumOfRootEigenvalues(double[] m, int d) {
    double[] values = new double[d];
    int info =
        openblas.LAPACKE_dsyevd(openblas.LAPACK_ROW_MAJOR, (byte) 'N', (byte) 'U', d, m, d, values);
    if (info != 0) {
      throw new IllegalStateException("LAPACK dsyevd did not converge (info " + info + ")");
    }
    double largest = Math.max(0.0, values[d - 1]); // ascending order
    if (values[0] < -NEGATIVE_TOLERANCE * Math.max(largest, Double.MIN_NORMAL)) {
      throw new IllegalArgumentException(
          "the covariances are not positive semi-definite: Σ₁Σ₂ has eigenvalue "
              + values[0]
              + " (largest "
              + largest
              + "); check that sigma is a covariance matrix");
    }
    double sum = 0;
    for (double value : values) {
      sum += Math.sqrt(Math.max(0.0, value));
    }
    return sum;
  }
}
