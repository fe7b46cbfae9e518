package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * One layer's state for incremental decoding: its keys, stored transposed as {@code (B, H, head,
 * capacity)}, and its values, {@code (B, H, capacity, head)}, both allocated once and written in
 * place position by position, so a step copies nothing of the past. In these layouts a slice of the
 * first {@code t} positions is a plain strided matrix per (batch, head), which the engine
 * multiplies without copying; keeping keys and values in one array, or keys untransposed, made the
 * score product copy the cache on every step (3–4× slower at the tiny config).
 */
final class KvCache {

  private final NDArray keysTransposed;
  private final NDArray values;
  private final int capacity;

  /** Zeroed storage for {@code capacity} positions, owned by {@code manager}. */
  KvCache(NDManager manager, int batch, int heads, int capacity, int headSize, DataType type) {
    keysTransposed = manager.zeros(new Shape(batch, heads, headSize, capacity), type);
    values = manager.zeros(new Shape(batch, heads, capacity, headSize), type);
    this.capacity = capacity;
  }

  /**
   * Lends the storage to {@code scope} until it closes, so that the views a step takes of it are
   * freed with the step rather than piling up in the cache's manager.
   */
  void lendTo(NDManager scope) {
    keysTransposed.tempAttach(scope);
    values.tempAttach(scope);
  }

  int capacity() {
    return capacity;
  }

  /**
   * Stores keys and values {@code (B, H, n, head)} of positions {@code start..start+n-1}.
   *
   * @param newKeysTransposed the keys as {@code (B, H, head, n)} (a transposed view is fine)
   */
  void write(int start, NDArray newKeysTransposed, NDArray newValues) {
    long n = newValues.getShape().get(2);
    if (start < 0 || start + n > capacity) {
      throw new IllegalStateException(
          String.format(
              "cannot cache positions %d..%d; the cache holds positions 0..%d",
              start, start + n - 1, capacity - 1));
    }
    keysTransposed.set(new NDIndex().addAllDim(3).addSliceDim(start, start + n), newKeysTransposed);
    values.set(new NDIndex().addAllDim(2).addSliceDim(start, start + n), newValues);
  }

  /** Keys of positions {@code 0..end-1}, transposed: {@code (B, H, head, end)}, a view. */
  NDArray keysTransposedBefore(int end) {
    return keysTransposed.get(new NDIndex().addAllDim(3).addSliceDim(0, end));
  }

  /** Values of positions {@code 0..end-1}, {@code (B, H, end, head)}, a view. */
  NDArray valuesBefore(int end) {
    return values.get(new NDIndex().addAllDim(2).addSliceDim(0, end));
  }
}
