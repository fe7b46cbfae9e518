package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * One layer's state for incremental decoding: the layer's input projection with the query rows
 * scaled by {@code 1/√head} (the weights are fixed while a decoder is open, so the scaling is done
 * once rather than on every step's queries), and its keys, stored transposed as {@code (B, H, head,
 * capacity)}, and its values, {@code (B, H, capacity, head)}, both allocated once and written in
 * place position by position, so a step copies nothing of the past. In these layouts a slice of the
 * first {@code t} positions is a plain strided matrix per (batch, head), which the engine
 * multiplies without copying; keeping keys and values in one array, or keys untransposed, made the
 * score product copy the cache on every step (3–4× slower at the tiny config).
 */
final class KvCache {

  private final NDArray keysTransposed;
  private final NDArray values;
  private final NDArray projectionWeight;
  private final NDArray projectionBias;
  private final int capacity;

  /**
   * Zeroed storage for {@code capacity} positions and the query-scaled projection, owned by {@code
   * manager}.
   *
   * @param weight the layer's {@code [q | k | v]} projection weight, {@code (3C, C)}
   * @param bias its bias, {@code (3C)}
   * @param scale the query scale, {@code 1/√head}
   */
  KvCache(
      NDManager manager,
      int batch,
      int heads,
      int capacity,
      int headSize,
      NDArray weight,
      NDArray bias,
      float scale) {
    DataType type = weight.getDataType();
    keysTransposed = manager.zeros(new Shape(batch, heads, headSize, capacity), type);
    values = manager.zeros(new Shape(batch, heads, capacity, headSize), type);
    int width = heads * headSize;
    float[] rowScales = new float[3 * width];
    Arrays.fill(rowScales, 0, width, scale);
    Arrays.fill(rowScales, width, 3 * width, 1f);
    NDArray scales = manager.create(rowScales).toType(type, false); // (3C)
    projectionWeight = weight.mul(scales.reshape(3L * width, 1)); // (3C, C)
    projectionBias = bias.mul(scales); // (3C)
    projectionWeight.attach(manager);
    projectionBias.attach(manager);
    this.capacity = capacity;
  }

  /** The projection weight, query rows scaled: {@code (3C, C)}. */
  NDArray projectionWeight() {
    return projectionWeight;
  }

  /** The projection bias, query entries scaled: {@code (3C)}. */
  NDArray projectionBias() {
    return projectionBias;
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
    Slices.writeAlong(keysTransposed, 3, start, start + n, newKeysTransposed);
    Slices.writeAlong(values, 2, start, start + n, newValues);
  }

  /**
   * Keys of positions {@code 0..end-1}, transposed: {@code (B, H, head, end)}, a view owned by
   * {@code manager}.
   */
  NDArray keysTransposedBefore(int end, NDManager manager) {
    return Slices.along(keysTransposed, 3, 0, end, manager);
  }

  /**
   * Values of positions {@code 0..end-1}, {@code (B, H, end, head)}, a view owned by {@code
   * manager}.
   */
  NDArray valuesBefore(int end, NDManager manager) {
    return Slices.along(values, 2, 0, end, manager);
  }
}
