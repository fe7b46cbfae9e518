package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.dalle.models.nn.Scale;

/**
 * An identity in the forward pass whose backward pass multiplies the gradient by a constant, the
 * building block of per-resblock gradient scaling (section 2.4 and Figure 4 of the paper).
 *
 * <p>DJL has no custom autograd functions, so it is written as {@code sg(x) + s·(x − sg(x))},
 * {@code sg} being stop-gradient: the second term is exactly zero in the forward pass, and its
 * derivative with respect to {@code x} is {@code s}.
 */
final class GradientScaling {

  /** The largest power-of-two factor applied at once to a float16 array. */
  private static final float HALF_FACTOR = 1 << 14;

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
    NDArray delta = x.sub(constant); // zeros whose gradient reaches x
    if (x.getDataType() == DataType.FLOAT16) {
      // A float16 scalar holds neither 2^16 and above nor 2^-15 and below: apply such a scale
      // in representable factors.
      while (scale > HALF_FACTOR) {
        delta = Scale.by(delta, HALF_FACTOR);
        scale /= HALF_FACTOR;
      }
      while (scale < 1 / HALF_FACTOR) {
        delta = Scale.by(delta, 1 / HALF_FACTOR);
        scale *= HALF_FACTOR;
      }
    }
    return constant.add(Scale.by(delta, scale));
  }
}
