package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import org.dalle.models.dvae.Scale;

/**
 * An identity in the forward pass whose backward pass multiplies the gradient by a constant, the
 * building block of per-resblock gradient scaling (section 2.4 and Figure 4 of the paper).
 *
 * <p>DJL has no custom autograd functions, so it is written as {@code sg(x) + s·(x − sg(x))},
 * {@code sg} being stop-gradient: the second term is exactly zero in the forward pass, and its
 * derivative with respect to {@code x} is {@code s}.
 */
final class GradientScaling {

  private GradientScaling() {}

  /** {@code x} itself, with gradients through it multiplied by {@code scale}. */
  static NDArray scale(NDArray x, float scale) {
    if (scale == 1f) {
      return x;
    }
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException(
          "gradient scale is " + scale + "; expected a finite positive number");
    }
    NDArray constant = x.stopGradient();
    return constant.add(Scale.by(x.sub(constant), scale));
  }
}
