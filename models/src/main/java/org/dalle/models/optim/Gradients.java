package org.dalle.models.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Operations on the gradients of a parameter list: the global L2 norm, clipping by that norm (the
 * paper clips at 4, Appendix B.1; DJL's optimizer {@code clipGrad} is an element-wise clamp
 * instead), and clearing.
 *
 * <p>Only parameters whose {@link Parameter#requiresGradient()} is true take part. The work runs
 * under sub-managers closed before the call returns, so no gradient handle outlives the call.
 */
public final class Gradients {

  /** Added to the norm before dividing, as in PyTorch's {@code clip_grad_norm_}. */
  private static final double CLIP_EPSILON = 1e-6;

  private Gradients() {}

  /**
   * √(Σ g²) over every element of every trainable parameter's gradient: each parameter's sum of
   * squares in float32 on the engine, the parameters' sums added in double. The per-parameter sums
   * come back in one copy, not one device round trip each.
   */
  public static double globalGradNorm(ParameterList params) {
    List<NDArray> weights = trainableArrays(params);
    if (weights.isEmpty()) {
      return 0;
    }
    try (NDManager scope = NDManager.subManagerOf(weights.get(0))) {
      NDList sums = new NDList(weights.size());
      for (NDArray weight : weights) {
        weight.tempAttach(scope); // the gradient handle and the sums are freed with the scope
        NDArray grad = weight.getGradient().toType(DataType.FLOAT32, false);
        sums.add(grad.square().sum());
      }
      double sumOfSquares = 0;
      for (float sum : NDArrays.stack(sums).toFloatArray()) {
        sumOfSquares += sum;
      }
      return Math.sqrt(sumOfSquares);
    }
  }

  /**
   * Scales all gradients by {@code maxNorm / (norm + 1e-6)} when that is below 1, so their global
   * norm becomes (at most) {@code maxNorm}.
   *
   * <p>When the norm is not finite the gradients are left untouched: scaling cannot repair them,
   * and the caller should skip the update (the paper's mixed-precision recipe does so).
   *
   * @return the global norm before clipping, for logging and for the finiteness check
   */
  public static double clipByGlobalNorm(ParameterList params, double maxNorm) {
    return clipToNorm(params, globalGradNorm(params), maxNorm);
  }

  /** {@link #clipByGlobalNorm} with the norm already known (over ranks, for a sharded state). */
  static double clipToNorm(ParameterList params, double norm, double maxNorm) {
    if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException("max norm must be positive and finite, got " + maxNorm);
    }
    double scale = maxNorm / (norm + CLIP_EPSILON);
    if (Double.isFinite(norm) && scale < 1) {
      forEachGradient(params, grad -> grad.muli((float) scale));
    }
    return norm;
  }

  /**
   * Sets every gradient to zero. DJL accumulates gradients across backward passes, so a training
   * step clears them after the update. Unlike {@code g − g}, this also clears NaN and infinity.
   */
  public static void zeroGradients(ParameterList params) {
    for (NDArray weight : trainableArrays(params)) {
      // One engine call that zeroes the gradient in place; an NDIndex write takes five to seven.
      JniUtils.zeroGrad((PtNDArray) weight);
    }
  }

  private static void forEachGradient(ParameterList params, Consumer<NDArray> action) {
    for (NDArray weight : trainableArrays(params)) {
      try (NDManager scope = NDManager.subManagerOf(weight)) {
        weight.tempAttach(scope);
        action.accept(weight.getGradient());
      }
    }
  }

  /** The arrays of the parameters that take gradients, in order. */
  private static List<NDArray> trainableArrays(ParameterList params) {
    List<NDArray> arrays = new ArrayList<>();
    for (Pair<String, Parameter> entry : params) {
      if (entry.getValue().requiresGradient()) {
        arrays.add(entry.getValue().getArray());
      }
    }
    return arrays;
  }
}
