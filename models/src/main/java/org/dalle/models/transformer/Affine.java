package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * The affine map {@code x·Wᵀ + b} over the last axis of {@code x}, computed as one fused
 * matrix-multiply-add. The engine's {@code linear} fuses the bias only for two-dimensional inputs:
 * on {@code (B, T, C)} it multiplies, then adds the bias in a second pass over the output, so the
 * leading axes are flattened into one first (a view for contiguous inputs).
 */
final class Affine {

  private Affine() {}

  /**
   * @param x {@code (…, C)}
   * @param weight {@code (C', C)}
   * @param bias {@code (C')}
   * @return {@code (…, C')}
   */
  static NDArray apply(NDArray x, NDArray weight, NDArray bias) {
    Shape shape = x.getShape();
    if (shape.dimension() == 2) {
      return Linear.linear(x, weight, bias).head();
    }
    long width = shape.get(shape.dimension() - 1);
    NDArray rows = x.reshape(shape.size() / width, width); // (…·, C)
    long[] out = shape.getShape().clone(); // Shape hands out its own array
    out[out.length - 1] = weight.getShape().get(0);
    return Linear.linear(rows, weight, bias).head().reshape(out); // (…, C')
  }
}
