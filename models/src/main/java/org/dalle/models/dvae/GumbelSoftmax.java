package org.dalle.models.dvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dalle.models.nn.Scale;

/**
 * The Gumbel-softmax relaxation of a categorical sample (section 2.1 of the paper): {@code
 * softmax((logits + g) / τ)} with Gumbel noise {@code g = −log(−log U)}. As τ → 0 the relaxed
 * sample approaches the one-hot vector of {@code argmax(logits + g)}, an exact sample of the
 * categorical distribution; the paper anneals τ from 1 to 1/16.
 *
 * <p>Noise comes from the engine's random generator, so {@code Engine.setRandomSeed} makes it
 * repeatable. Inference uses {@link #hard}: the argmax of the logits, without noise.
 */
public final class GumbelSoftmax {

  /**
   * U is drawn from [ε, 1 − ε] so that neither logarithm sees 0: the noise stays within about
   * [−2.6, 13.8]. Truncating a 2·10⁻⁶ tail of U does not change the relaxation measurably.
   */
  static final float UNIFORM_EPSILON = 1e-6f;

  private GumbelSoftmax() {}

  /** Standard Gumbel noise of {@code shape}, attached to {@code manager}. */
  public static NDArray noise(NDManager manager, Shape shape) {
    NDArray u =
        manager.randomUniform(UNIFORM_EPSILON, 1f - UNIFORM_EPSILON, shape, DataType.FLOAT32);
    return u.log().neg().log().neg();
  }

  /**
   * A relaxed sample along {@code axis}: fresh Gumbel noise added to {@code logits}, divided by
   * {@code tau}, soft-maxed. Rows along {@code axis} are non-negative and sum to 1.
   *
   * @throws IllegalArgumentException if {@code tau} is not a finite positive number
   */
  public static NDArray sample(NDArray logits, float tau, int axis) {
    return relax(logits, noise(logits.getManager(), logits.getShape()), tau, axis);
  }

  /** {@code softmax((logits + noise) / tau)} along {@code axis}, for noise drawn elsewhere. */
  public static NDArray relax(NDArray logits, NDArray noise, float tau, int axis) {
    checkTemperature(tau);
    return Scale.by(logits.add(noise), 1f / tau).softmax(axis);
  }

  /** The most likely code along {@code axis}, as INT32, with that axis removed. */
  public static NDArray hard(NDArray logits, int axis) {
    return logits.argMax(axis).toType(DataType.INT32, false);
  }

  static void checkTemperature(float tau) {
    if (!(tau > 0) || Float.isInfinite(tau)) {
      throw new IllegalArgumentException(
          "temperature tau is "
              + tau
              + "; expected a finite positive number (the paper: 1 to 1/16)");
    }
  }
}
