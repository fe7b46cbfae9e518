package org.dalle.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplication by a constant that is safe on arrays autograd records.
 *
 * <p>With the PyTorch engine, {@code NDArray.mul(Number)} and {@code div(Number)} wrap the number
 * in a tensor that shares memory with a Java direct buffer ({@code torch::from_blob}) and close it
 * at once. Autograd keeps that tensor for the backward pass of mul and div; once the garbage
 * collector has freed the buffer, backward reads freed memory. Seen in this project: the gradient
 * of {@code x.mul(3f).sum()} came back as 1.4e-45 after a GC, and a training run turned NaN at a
 * step that moved with unrelated allocations. A scalar made by {@code NDManager.full} owns its
 * memory inside libtorch, where autograd's reference keeps it alive after the Java handle closes.
 */
public final class Scale {

  private Scale() {}

  /** {@code x · factor}, differentiable in {@code x}, attached to {@code x}'s manager. */
  public static NDArray by(NDArray x, float factor) {
    try (NDArray scalar = x.getManager().full(new Shape(), factor, x.getDataType())) {
      return x.mul(scalar);
    }
  }
}
