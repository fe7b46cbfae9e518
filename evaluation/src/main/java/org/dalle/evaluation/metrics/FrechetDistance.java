package org.dalle.evaluation.metrics;

/**
 * The Fréchet Inception Distance between two Gaussians fitted to features (Heusel et al. 2017; the
 * FID of the DALL·E paper, section 3.1 and figure 9):
 *
 * <pre>FID = ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁Σ₂)^½</pre>
 *
 * in float64, with the trace of the square root from eigenvalues ({@link TraceSqrtProduct}).
 */
public final class FrechetDistance {
  private FrechetDistance() {}

  /**
   * @throws IllegalArgumentException when the dimensions differ or a covariance is not positive
   *     semi-definite
   */
  public static double between(FeatureStatistics a, FeatureStatistics b) {
    int d = a.dimension();
    if (b.dimension() != d) {
      throw new IllegalArgumentException(
          "the statistics have different dimensions, "
              + d
              + " and "
              + b.dimension()
              + "; both must come from the same feature network");
    }
    double[] mu1 = a.muView();
    double[] mu2 = b.muView();
    double[] sigma1 = a.sigmaView();
    double[] sigma2 = b.sigmaView();
    double meanTerm = 0;
    double traces = 0;
    for (int i = 0; i < d; i++) {
      double diff = mu1[i] - mu2[i];
      meanTerm += diff * diff;
      traces += sigma1[i * d + i] + sigma2[i * d + i];
    }
    return meanTerm + traces - 2 * TraceSqrtProduct.of(sigma1, sigma2, d);
  }
}
