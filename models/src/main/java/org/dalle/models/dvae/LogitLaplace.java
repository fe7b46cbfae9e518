package org.dalle.models.dvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.dalle.models.nn.Scale;

/**
 * The logit-Laplace likelihood of the dVAE decoder (section A.3 of the paper).
 *
 * <p>Pixels {@code x} in [0, 1] are first mapped to {@code y = φ(x) = (1 − 2ε)x + ε} with ε = 0.1,
 * so that {@code y} stays away from 0 and 1 where the density's {@code logit} is unbounded. The
 * decoder predicts, per pixel and channel, a location μ and a log-scale ln b, and
 *
 * <pre>
 *   log p(y | μ, b) = −log(2 b y (1 − y)) − |logit(y) − μ| / b
 * </pre>
 *
 * <p>which is the Laplace density of {@code logit(y)} times the Jacobian {@code 1 / (y (1 − y))}.
 * The reconstruction is {@code x̂ = φ⁻¹(sigmoid(μ))}, clamped to [0, 1].
 *
 * <p>Decoder outputs are laid out {@code (B, 2C, H, W)}: μ for the C channels, then ln b.
 */
public final class LogitLaplace {

  /** The ε of the input mapping φ. */
  public static final float EPSILON = 0.1f;

  private static final float LOG_2 = (float) Math.log(2.0);

  private LogitLaplace() {}

  /** φ(x) = (1 − 2ε)x + ε: pixels in [0, 1] to [ε, 1 − ε]. */
  public static NDArray mapPixels(NDArray x) {
    return Scale.by(x, 1f - 2f * EPSILON).add(EPSILON);
  }

  /** φ⁻¹(y) = (y − ε) / (1 − 2ε), clamped to [0, 1]. */
  public static NDArray unmapPixels(NDArray y) {
    return Scale.by(y.sub(EPSILON), 1f / (1f - 2f * EPSILON)).clip(0f, 1f);
  }

  /** log p(y | μ, b) element by element, for y in (0, 1) and the predicted ln b. */
  public static NDArray logDensity(NDArray y, NDArray mu, NDArray logScale) {
    NDArray logY = y.log();
    NDArray log1mY = y.neg().add(1f).log();
    NDArray logit = logY.sub(log1mY);
    NDArray distance = logit.sub(mu).abs().mul(logScale.neg().exp()); // |logit(y) − μ| / b
    // −log(2 b y (1 − y)) = −log 2 − ln b − log y − log(1 − y)
    return logScale.neg().sub(LOG_2).sub(logY).sub(log1mY).sub(distance);
  }

  /**
   * The reconstruction term of the loss: −log p(φ(images) | decoder output), averaged over every
   * pixel and channel of the batch (a scalar).
   *
   * @param images pixels in [0, 1], {@code (B, C, H, W)}
   * @param decoded the decoder output, {@code (B, 2C, H, W)}
   */
  public static NDArray negativeLogLikelihood(NDArray images, NDArray decoded) {
    checkLayout(images, decoded);
    NDList muAndLogScale = decoded.split(2, 1);
    return logDensity(mapPixels(images), muAndLogScale.get(0), muAndLogScale.get(1)).mean().neg();
  }

  /** x̂ = φ⁻¹(sigmoid(μ)) in [0, 1], {@code (B, C, H, W)}, from the decoder output. */
  public static NDArray reconstruction(NDArray decoded) {
    NDArray mu = decoded.split(2, 1).get(0); // (B, C, H, W)
    return unmapPixels(Activation.sigmoid(mu));
  }

  static void checkLayout(NDArray images, NDArray decoded) {
    Shape x = images.getShape();
    Shape d = decoded.getShape();
    if (x.dimension() != 4
        || d.dimension() != 4
        || d.get(0) != x.get(0)
        || d.get(1) != 2 * x.get(1)
        || d.get(2) != x.get(2)
        || d.get(3) != x.get(3)) {
      throw new IllegalArgumentException(
          "images are "
              + x
              + " and decoder output "
              + d
              + "; expected (B, C, H, W) and (B, 2C, H, W)");
    }
  }
}
