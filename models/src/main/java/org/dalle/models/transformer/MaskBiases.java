package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The additive masks (0 where {@link AttentionMasks} allows a pair, −∞ elsewhere) of the full input
 * length and, for the sparse kinds, their windows ({@link AttentionWindows}): computed once per
 * kind on the Java heap and copied to the engine for each forward pass, which costs a few hundred
 * kilobytes of copying at most, nothing beside the pass.
 */
final class MaskBiases {

  private final AttentionMasks masks;
  private final int length;
  private final Map<AttentionMasks.Kind, float[]> biases = new EnumMap<>(AttentionMasks.Kind.class);
  private final Map<AttentionMasks.Kind, Optional<AttentionWindows>> windows =
      new EnumMap<>(AttentionMasks.Kind.class);
  private final Map<AttentionMasks.Kind, float[]> windowBiases =
      new EnumMap<>(AttentionMasks.Kind.class);
  private float[] textBias;

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

  /**
   * What attention under {@code kind} reads for positions {@code 0..t-1}, in {@code type}: the
   * windows when the input is the whole sequence and the kind has any, else the dense bias.
   */
  LayerMask mask(AttentionMasks.Kind kind, int t, DataType type, NDManager manager) {
    AttentionWindows layout = t == length ? windows(kind).orElse(null) : null;
    if (layout == null) {
      return LayerMask.dense(bias(kind, t, manager).toType(type, false));
    }
    float[] imageValues;
    float[] textValues;
    int textLength = masks.textLength();
    synchronized (windowBiases) {
      imageValues = windowBiases.computeIfAbsent(kind, k -> layout.imageBias());
      if (textBias == null) {
        textBias = masks.additiveBias(kind, textLength); // causal: the same for every kind
      }
      textValues = textBias;
    }
    int grid = masks.gridSize();
    NDArray image = // (W, W, keys)
        manager
            .create(imageValues, new Shape(grid, grid, layout.keysPerQuery()))
            .toType(type, false);
    NDArray text = // (L, L): text queries attend to text keys only
        manager.create(textValues, new Shape(textLength, textLength)).toType(type, false);
    return LayerMask.windowed(layout, text, image);
  }

  private Optional<AttentionWindows> windows(AttentionMasks.Kind kind) {
    synchronized (windows) {
      return windows.computeIfAbsent(kind, k -> Optional.ofNullable(AttentionWindows.of(masks, k)));
    }
  }
}
