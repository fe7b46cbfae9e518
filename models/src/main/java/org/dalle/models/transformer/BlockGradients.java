package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;

/**
 * The gradient side of per-resblock scaling ({@link ResblockGradientScaler}): after a backward pass
 * with scales, each block's parameter gradients are divided by its scale and checked for infinities
 * and NaNs.
 */
public final class BlockGradients {

  private BlockGradients() {}

  /**
   * Divides every gradient in {@code params} by {@code scale} in place.
   *
   * @return whether every element is finite afterwards
   */
  public static boolean unscale(ParameterList params, double scale) {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException(
          "gradient scale is " + scale + "; expected a finite positive number");
    }
    boolean finite = true;
    for (Pair<String, Parameter> entry : params) {
      if (!entry.getValue().requiresGradient()) {
        continue;
      }
      NDArray weight = entry.getValue().getArray();
      try (NDManager scope = NDManager.subManagerOf(weight)) {
        weight.tempAttach(scope);
        NDArray grad = weight.getGradient();
        grad.muli((float) (1 / scale)); // in place: the gradient has no history
        finite &= !grad.isNaN().logicalOr(grad.isInfinite()).any().getBoolean();
      }
    }
    return finite;
  }
}
