package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;

/**
 * Rectangular views and writes in one engine call each, for the cached decoder's per-token steps.
 * DJL's PyTorch engine turns every {@code get} or {@code set} with an {@code NDIndex} into advanced
 * indexing, which builds the index over five to seven native calls; the decoder takes about ten
 * views and writes per layer and token, and these were an eighth of its engine time.
 */
final class Slices {

  private Slices() {}

  /**
   * The view {@code array[min₀:max₀, min₁:max₁, …]}, every dimension kept, owned by {@code
   * manager}.
   */
  static NDArray view(NDArray array, long[] min, long[] max, NDManager manager) {
    return JniUtils.index((PtNDArray) array, min, max, ones(min.length), (PtNDManager) manager);
  }

  /** The view of entries {@code from..to-1} along {@code axis}, the whole of every other axis. */
  static NDArray along(NDArray array, int axis, long from, long to, NDManager manager) {
    long[] min = new long[array.getShape().dimension()];
    min[axis] = from;
    return view(array, min, upTo(array, axis, to), manager);
  }

  /** Copies {@code value} into entries {@code from..to-1} along {@code axis} of {@code array}. */
  static void writeAlong(NDArray array, int axis, long from, long to, NDArray value) {
    long[] min = new long[array.getShape().dimension()];
    min[axis] = from;
    JniUtils.indexSet(
        (PtNDArray) array, (PtNDArray) value, min, upTo(array, axis, to), ones(min.length));
  }

  /** The array's shape with {@code axis} cut at {@code to}. */
  private static long[] upTo(NDArray array, int axis, long to) {
    long[] max = array.getShape().getShape().clone(); // Shape hands out its own array
    max[axis] = to;
    return max;
  }

  private static long[] ones(int rank) {
    long[] step = new long[rank];
    Arrays.fill(step, 1);
    return step;
  }
}
