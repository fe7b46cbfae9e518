package org.dalle.models.dvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.dalle.models.nn.Scale;

/**
 * The KL term of the dVAE's evidence lower bound (section 2.1 of the paper): the divergence of the
 * encoder's categorical posterior {@code q = softmax(logits)} at each grid position from the
 * uniform prior over the K codes,
 *
 * <pre>
 *   KL(q ‖ U(K)) = Σₖ qₖ log qₖ + log K,
 * </pre>
 *
 * <p>which is 0 for a uniform posterior and at most log K for a one-hot one.
 *
 * <p><b>Normalisation.</b> The paper maximises {@code E[ln p(x | z)] − β · KL(q(z | x) ‖ p(z))},
 * summed over pixels and over grid positions respectively, with β = 6.6, and normalises the loss
 * per pixel. {@link #perSubpixel} keeps that ratio: the image's KL summed over its grid positions
 * is divided by the same count as the reconstruction term (C·H·W sub-pixels), then averaged over
 * the batch. So {@code nll_mean + β · perSubpixel} is the negative ELB per sub-pixel, and β means
 * what it means in the paper at any image and grid size. Averaging per grid position instead would
 * weight the KL (H·W·C) / G² times more heavily (192 times at the paper's scale).
 */
public final class UniformPriorKl {

  private UniformPriorKl() {}

  /**
   * KL(q ‖ uniform) at every position, in nats: logits {@code (B, K, G, G)} to {@code (B, G, G)}.
   */
  public static NDArray perPosition(NDArray logits) {
    return perPosition(logits, 1);
  }

  /**
   * KL(q ‖ uniform) at every position, in nats, with the codes on {@code axis} of {@code logits}:
   * that axis is summed out.
   */
  public static NDArray perPosition(NDArray logits, int axis) {
    int dims = logits.getShape().dimension();
    if (dims < 2 || axis < 1 || axis >= dims) {
      throw new IllegalArgumentException(
          "logits are "
              + logits.getShape()
              + " with codes on axis "
              + axis
              + "; expected a batch axis 0 and the codes on an axis from 1 to "
              + (dims - 1));
    }
    long codes = logits.getShape().get(axis);
    NDArray logQ = logits.logSoftmax(axis);
    return logQ.exp().mul(logQ).sum(new int[] {axis}).add((float) Math.log(codes));
  }

  /**
   * KL(q̄ ‖ uniform) of the mean posterior {@code q̄}, averaged over every position of the batch,
   * in nats (a scalar), with the codes on the last axis of {@code logits}.
   *
   * <p>The KL term above decomposes over a batch as {@code mean KL(q ‖ U) = I(x; z) + KL(q̄ ‖ U)}:
   * the information the codes carry about the image plus the non-uniformity of code usage. This is
   * the second part alone, the "diversity" penalty of wav2vec 2.0 (Baevski et al., 2020) and of
   * Gumbel-softmax quantisers after it: weighting it apart from β lets a short run keep every code
   * in use without also pushing each position's posterior towards uniform.
   */
  public static NDArray ofMeanPosterior(NDArray logits) {
    int dims = logits.getShape().dimension();
    if (dims < 2) {
      throw new IllegalArgumentException(
          "logits are " + logits.getShape() + "; expected the codes on the last of 2 or more axes");
    }
    long codes = logits.getShape().get(dims - 1);
    // One axis at a time: the engine's mean takes a single axis.
    NDArray meanQ = logits.softmax(dims - 1).reshape(-1, codes).mean(new int[] {0});
    return meanQ.mul(meanQ.add(1e-12f).log()).sum().add((float) Math.log(codes));
  }

  /**
   * The KL term as it enters the per-sub-pixel loss: each image's KL summed over grid positions,
   * divided by its {@code C·H·W} sub-pixels, averaged over the batch (a scalar).
   *
   * @param logits encoder output {@code (B, K, G, G)}
   * @param imageShape the encoded images' shape {@code (B, C, H, W)}
   */
  public static NDArray perSubpixel(NDArray logits, Shape imageShape) {
    return perSubpixel(perPosition(logits).mean(), logits.getShape(), imageShape);
  }

  /**
   * {@link #perSubpixel(NDArray, Shape)} from the mean KL per grid position that a caller already
   * computed ({@code perPosition(logits).mean()}), so a training step builds the KL graph once.
   *
   * @param meanPerPosition the scalar mean of {@link #perPosition} over batch and positions
   * @param logitsShape {@code (B, K, G, G)}
   * @param imageShape {@code (B, C, H, W)}
   */
  public static NDArray perSubpixel(NDArray meanPerPosition, Shape logitsShape, Shape imageShape) {
    if (imageShape.dimension() != 4
        || logitsShape.dimension() < 2
        || imageShape.get(0) != logitsShape.get(0)) {
      throw new IllegalArgumentException(
          "image shape is "
              + imageShape
              + " for logits "
              + logitsShape
              + "; expected (B, C, H, W) with the same batch size B");
    }
    long subpixels = imageShape.get(1) * imageShape.get(2) * imageShape.get(3);
    long positions = logitsShape.size() / (logitsShape.get(0) * logitsShape.get(1));
    // mean over (B, G, G) times G² / (C·H·W) = mean over B of (Σ over positions) / (C·H·W)
    return Scale.by(meanPerPosition, (float) positions / subpixels);
  }
}
