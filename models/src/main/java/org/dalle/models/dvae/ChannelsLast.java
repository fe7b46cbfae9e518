package org.dalle.models.dvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The channels-last memory order for the dVAE's activations: the same {@code (B, C, H, W)} array,
 * stored pixel by pixel (NHWC) instead of plane by plane.
 *
 * <p>libtorch runs the whole network in whatever order its input arrives in: oneDNN convolutions,
 * max-pooling, ReLU and the residual sums keep channels-last, and nearest upsampling has a direct
 * channels-last kernel. From plane-by-plane input, libtorch 2.7 sends every upsampling with output
 * height + width ≤ 128 (all of the tiny config's) through that kernel anyway, with a copy into and
 * out of channels-last each time, forward and backward. Measured on the tiny config's training step
 * (batch 32, 2 threads, alternating step by step in one process): 150 ms plane by plane against 122
 * ms channels-last. The values are the same computation; only the memory order and the kernels
 * libtorch picks for it differ.
 */
final class ChannelsLast {

  private ChannelsLast() {}

  /**
   * {@code x} {@code (B, C, H, W)} in channels-last memory order, differentiable: a view when it
   * already is, otherwise one copy.
   */
  static NDArray of(NDArray x) {
    Shape shape = x.getShape();
    if (shape.dimension() != 4) {
      throw new IllegalArgumentException("shape is " + shape + "; expected (B, C, H, W)");
    }
    // (B, H, W, C) flattened: a view if x is already stored NHWC, else a contiguous NHWC copy;
    // transposed back, it is (B, C, H, W) with strides (HWC, 1, WC, C).
    return x.transpose(0, 2, 3, 1)
        .reshape(-1)
        .reshape(shape.get(0), shape.get(2), shape.get(3), shape.get(1))
        .transpose(0, 3, 1, 2);
  }

  /**
   * {@code x} {@code (B, C, H, W)} in plain (plane-by-plane) memory order, differentiable: a view
   * when it already is, otherwise one copy. Elementwise work on a few channels sliced out of a
   * channels-last array runs on strided loops; the decoder's output goes through this first.
   */
  static NDArray planar(NDArray x) {
    Shape shape = x.getShape();
    if (shape.dimension() != 4) {
      throw new IllegalArgumentException("shape is " + shape + "; expected (B, C, H, W)");
    }
    return x.reshape(-1).reshape(shape);
  }

  /**
   * Channels-last logits {@code (B, K, G, G)} seen as {@code (B, G, G, K)}: a plain view in which
   * each position's K logits are adjacent, so a softmax over the codes (axis 3) needs no copy; over
   * axis 1 of the channels-last array, libtorch would first copy it into plain order.
   */
  static NDArray codesLast(NDArray logits) {
    if (logits.getShape().dimension() != 4) {
      throw new IllegalArgumentException(
          "logits are " + logits.getShape() + "; expected (B, K, G, G)");
    }
    return logits.transpose(0, 2, 3, 1);
  }
}
