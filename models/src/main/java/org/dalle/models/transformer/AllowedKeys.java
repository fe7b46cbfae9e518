package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.EnumMap;
import java.util.Map;

/**
 * For decoding one position at a time: the positions of the keys each mask row allows, as index
 * arrays made once per (kind, position) and shared by every layer of that kind and every step, so a
 * step neither rebuilds mask rows in Java nor copies indices to the engine again.
 */
final class AllowedKeys {

  private final AttentionMasks masks;
  private final NDManager manager;
  private final Map<AttentionMasks.Kind, NDArray[]> indices =
      new EnumMap<>(AttentionMasks.Kind.class);

  /**
   * @param manager owns the index arrays; closing it frees them
   */
  AllowedKeys(AttentionMasks masks, NDManager manager) {
    this.masks = masks;
    this.manager = manager;
  }

  /**
   * The keys {@code position} attends to under {@code kind}, INT64 {@code (k)}; null when it
   * attends to every position up to itself, so a contiguous slice serves instead.
   */
  NDArray at(AttentionMasks.Kind kind, int position) {
    NDArray[] byPosition = indices.computeIfAbsent(kind, k -> new NDArray[masks.sequenceLength()]);
    NDArray index = byPosition[position];
    if (index == null) {
      int[] allowed = masks.allowedKeys(kind, position);
      if (allowed.length == position + 1) {
        return null;
      }
      long[] keys = new long[allowed.length];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = allowed[i];
      }
      index = manager.create(keys);
      byPosition[position] = index;
    }
    return index;
  }
}
