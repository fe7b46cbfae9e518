package org.dalle.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays of Java values whose memory libtorch owns, for inputs that autograd keeps.
 *
 * <p>With the PyTorch engine, {@code NDManager.create} of Java values makes a tensor over a Java
 * direct buffer ({@code torch::from_blob}) that only the array's handle keeps alive. The models
 * build their forward pass in a sub-manager that is closed before {@code backward}, while autograd
 * still holds what the backward pass reads: an embedding's ids, the other operand of a matMul or
 * mul. Once a garbage collection has freed the buffer, the backward pass reads freed memory: the
 * allocator's bookkeeping overwrote the first position ids of the prior's embeddings, whose rows
 * silently lost their gradient, and the contrastive targets gave {@code logit_scale} a gradient of
 * 1e8. A copy made by the engine lives as long as autograd holds it.
 */
public final class EngineOwned {

  private EngineOwned() {}

  /** {@code values} as a 1-D INT64 array, attached to {@code manager}. */
  public static NDArray copyOf(NDManager manager, long[] values) {
    try (NDArray shared = manager.create(values)) {
      return shared.duplicate();
    }
  }

  /** {@code values} as a FLOAT32 array of {@code shape}, attached to {@code manager}. */
  public static NDArray copyOf(NDManager manager, float[] values, Shape shape) {
    try (NDArray shared = manager.create(values, shape)) {
      return shared.duplicate();
    }
  }
}
