package org.dalle.evaluation.numpy;

import java.util.Arrays;

/**
 * A floating-point array read from or written to numpy's {@code .npy} format: its shape and its
 * values in C (row-major) order, widened to float64.
 */
public record NpyArray(int[] shape, double[] values) {
  public NpyArray {
    long count = 1;
    for (int size : shape) {
      if (size < 0) {
        throw new IllegalArgumentException("negative size in shape " + Arrays.toString(shape));
      }
      count *= size;
    }
    if (count != values.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + count + " values, got " + values.length);
    }
    shape = shape.clone();
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int size(int axis) {
    return shape[axis];
  }
}
