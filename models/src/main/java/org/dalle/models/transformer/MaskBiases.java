package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.EnumMap;
import java.util.Map;

/**
 * The additive masks (0 where {@link AttentionMasks} allows a pair, −∞ elsewhere) of the full input
 * length, computed once per kind on the Java heap and copied to the engine for each forward pass,
 * cut to the pass's length.
 */
final class MaskBiases {

  private final AttentionMasks masks;
  private final int length;
  private final Map<AttentionMasks.Kind, float[]> biases = new EnumMap<>(AttentionMasks.Kind.class);

  /**
   * @param length the longest input, {@code T − 1}
   */
  MaskBiases(AttentionMasks masks, int length) {
    this.masks = masks;
    this.length = length;
  }

  /** The mask of {@code kind} for positions {@code 0..t-1}: {@code (t, t)}, in {@code manager}. */
  NDArray bias(AttentionMasks.Kind kind, int t, NDManager manager) {
    if (t < 1 || t > length) {
      throw new IllegalArgumentException("length is " + t + "; expected 1.." + length);
    }
    float[] values;
    synchronized (biases) {
      values = biases.computeIfAbsent(kind, k -> masks.additiveBias(k, length));
    }
    NDArray bias = manager.create(values, new Shape(length, length)); // (T-1, T-1)
    return t < length ? bias.get(":{}, :{}", t, t) : bias; // (t, t)
  }
}
