package org.dalle.evaluation.blur;

import java.util.Arrays;

/**
 * The 1-D Gaussian weights of a blur of radius r, as in the DALL·E paper's evaluation (section 3.1,
 * figure 9: FID and IS after "a Gaussian filter with varying radius" on both the reference images
 * and the samples).
 *
 * <p>The radius is the standard deviation in pixels, σ = r, the convention of PIL's {@code
 * ImageFilter.GaussianBlur(radius)}. The kernel is the Gaussian sampled at whole pixels, truncated
 * at ⌈3σ⌉ pixels on each side (more than 99.7% of the mass) and normalised to sum to 1; radius 0 is
 * the identity [1]. PIL approximates this Gaussian with box filters and differs from it by up to 24
 * levels of 8 bits near edges; the evaluation protocols use {@link PilGaussianBlur}, which is PIL's
 * blur, so that their figures compare with Python's.
 */
public record GaussianKernel(double radius, double[] weights) {
  public GaussianKernel {
    weights = weights.clone();
  }

  /**
   * @throws IllegalArgumentException for a negative or non-finite radius
   */
  public static GaussianKernel ofRadius(double radius) {
    if (!(radius >= 0) || Double.isInfinite(radius)) {
      throw new IllegalArgumentException(
          "blur radius must be a finite number >= 0 but was " + radius);
    }
    if (radius == 0) {
      return new GaussianKernel(0, new double[] {1});
    }
    double sigma = radius;
    int half = (int) Math.ceil(3 * sigma);
    double[] weights = new double[2 * half + 1];
    double sum = 0;
    for (int i = -half; i <= half; i++) {
      weights[i + half] = Math.exp(-(double) i * i / (2 * sigma * sigma));
      sum += weights[i + half];
    }
    for (int i = 0; i < weights.length; i++) {
      weights[i] /= sum;
    }
    return new GaussianKernel(radius, weights);
  }

  @Override
  public double[] weights() {
    return weights.clone();
  }

  /** Taps on each side of the centre. */
  public int halfWidth() {
    return weights.length / 2;
  }

  double weight(int offset) {
    return weights[offset + halfWidth()];
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GaussianKernel k
        && k.radius == radius
        && Arrays.equals(k.weights, weights);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(radius) * 31 + Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return "GaussianKernel[radius=" + radius + ", taps=" + weights.length + "]";
  }
}
