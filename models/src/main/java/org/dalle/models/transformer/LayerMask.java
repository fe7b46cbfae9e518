package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;

/**
 * What one layer's attention reads of its mask in a forward pass, as engine arrays: the additive
 * bias (0 allowed, −∞ not) over every pair of positions, or, over a whole sequence under a sparse
 * kind, the bias of the text queries over the text keys and that of the image queries over their
 * windows ({@link AttentionWindows}), which spares the scores of every pair outside the windows.
 */
final class LayerMask {

  private final NDArray dense;
  private final AttentionWindows windows;
  private final NDArray text;
  private final NDArray image;

  private LayerMask(NDArray dense, AttentionWindows windows, NDArray text, NDArray image) {
    this.dense = dense;
    this.windows = windows;
    this.text = text;
    this.image = image;
  }

  /** Dense attention under {@code bias}, {@code (t, t)}. */
  static LayerMask dense(NDArray bias) {
    return new LayerMask(bias, null, null, null);
  }

  /**
   * Windowed attention over the whole sequence.
   *
   * @param text the bias of the text queries over the text keys, {@code (L, L)}
   * @param image the bias of the image queries over their keys, {@code (W, W, L + (R+1)·W)}
   */
  static LayerMask windowed(AttentionWindows windows, NDArray text, NDArray image) {
    return new LayerMask(null, windows, text, image);
  }

  boolean isWindowed() {
    return windows != null;
  }

  /** The dense bias, {@code (t, t)}; only when not windowed. */
  NDArray dense() {
    return dense;
  }

  AttentionWindows windows() {
    return windows;
  }

  /** The text queries' bias, {@code (L, L)}; only when windowed. */
  NDArray text() {
    return text;
  }

  /** The image queries' bias over their windows, {@code (W, W, keys)}; only when windowed. */
  NDArray image() {
    return image;
  }
}
