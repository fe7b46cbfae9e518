package org.dalle.models.dvae;

import ai.djl.ndarray.NDArray;

/**
 * One forward pass of the dVAE, attached to the caller's manager.
 *
 * @param decoded the logit-Laplace parameters {@code (B, 2C, H, W)}: μ then ln b per channel
 * @param logits the encoder's code logits {@code (B, K, G, G)}
 */
public record DvaeOutput(NDArray decoded, NDArray logits) implements AutoCloseable {

  /** The reconstruction x̂ = φ⁻¹(sigmoid(μ)) in [0, 1], {@code (B, C, H, W)}. */
  public NDArray reconstruction() {
    return LogitLaplace.reconstruction(decoded);
  }

  @Override
  public void close() {
    decoded.close();
    logits.close();
  }
}
