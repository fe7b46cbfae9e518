package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One layer's keys and values for incremental decoding: {@code (B, H, capacity, head)} arrays,
 * allocated once and filled position by position, so a decoding step costs no copy of the past.
 */
final class KvCache {

  private final NDArray keys;
  private final NDArray values;
  private final int capacity;

  /** Zeroed storage for {@code capacity} positions, owned by {@code manager}. */
  KvCache(NDManager manager, int batch, int heads, int capacity, int headSize, DataType type) {
    Shape shape = new Shape(batch, heads, capacity, headSize);
    keys = manager.zeros(shape, type);
    values = manager.zeros(shape, type);
    this.capacity = capacity;
  }

  /**
   * Lends the storage to {@code scope} until it closes, so that the views and copies a step takes
   * of it are freed with the step rather than piling up in the cache's manager.
   */
  void lendTo(NDManager scope) {
    keys.tempAttach(scope);
    values.tempAttach(scope);
  }

  int capacity() {
    return capacity;
  }

  /** Stores keys and values {@code (B, H, n, head)} for positions {@code start..start+n-1}. */
  void write(int start, NDArray newKeys, NDArray newValues) {
    long n = newKeys.getShape().get(2);
    if (start < 0 || start + n > capacity) {
      throw new IllegalStateException(
          String.format(
              "cannot cache positions %d..%d; the cache holds positions 0..%d",
              start, start + n - 1, capacity - 1));
    }
    NDIndex window = new NDIndex(":, :, {}:{}", start, start + n);
    keys.set(window, newKeys);
    values.set(window, newValues);
  }

  /** Keys of positions {@code 0..end-1}, {@code (B, H, end, head)}: a view, not a copy. */
  NDArray keysBefore(int end) {
    return keys.get(new NDIndex(":, :, :{}", end));
  }

  /** Values of positions {@code 0..end-1}, {@code (B, H, end, head)}. */
  NDArray valuesBefore(int end) {
    return values.get(new NDIndex(":, :, :{}", end));
  }

  /** Keys of the listed positions, {@code (B, H, k, head)}. */
  NDArray keysAt(NDArray positions) {
    return keys.get(new NDIndex(":, :, {}", positions));
  }

  /** Values of the listed positions, {@code (B, H, k, head)}. */
  NDArray valuesAt(NDArray positions) {
    return values.get(new NDIndex(":, :, {}", positions));
  }
}
