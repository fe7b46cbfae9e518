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

  /** Copies {@code value} into {@code array[min₀:max₀, min₁:max₁, …]} in place. */
  static void write(NDArray array, long[] min, long[] max, NDArray value) {
    JniUtils.indexSet((PtNDArray) array, (PtNDArray) value, min, max, ones(min.length));
  }

  private static long[] ones(int rank) {
    long[] step = new long[rank];
    Arrays.fill(step, 1);
    return step;
  }
}
