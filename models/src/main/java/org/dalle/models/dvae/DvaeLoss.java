package org.dalle.models.dvae;

import ai.djl.ndarray.NDArray;

/**
 * The dVAE's training objective for one batch (scalars, attached to the caller's manager): the
 * negative evidence lower bound per sub-pixel, {@code total = reconstruction + β · kl}.
 *
 * @param total the loss to minimise
 * @param reconstruction −log p(x | z) under the logit-Laplace likelihood, mean per sub-pixel
 * @param kl KL(q ‖ uniform) summed over grid positions, per sub-pixel (see {@link UniformPriorKl})
 * @param klPerPosition the same KL averaged per grid position, in nats, between 0 and log K: the
 *     figure to log, independent of the image size
 * @param logits the encoder's code logits {@code (B, K, G, G)}, for codebook statistics
 */
public record DvaeLoss(
    NDArray total, NDArray reconstruction, NDArray kl, NDArray klPerPosition, NDArray logits)
    implements AutoCloseable {

  @Override
  public void close() {
    total.close();
    reconstruction.close();
    kl.close();
    klPerPosition.close();
    logits.close();
  }
}
