package org.dalle.jobs.cluster;

import org.dalle.models.transformer.TransformerConfig;

/**
 * An estimate of one GPU's activation memory during an update, with the paper's activation
 * checkpointing (section 2.4: "we also use activation checkpointing and recompute the activations
 * within the resblocks during the backward pass"):
 *
 * <ul>
 *   <li>the checkpoints: each resblock's input, layers · b · s · d values;
 *   <li>one resblock recomputed for its backward pass: 17 · b · s · d values of the projections,
 *       MLP, norms and residuals, and 2.5 · heads · b · s² of attention scores, probabilities and
 *       dropout mask (the per-layer count of Korthikanti et al. 2022, "Reducing activation
 *       recomputation in large transformer models", 34·sbh + 5·as²b bytes at 2 bytes a value; dense
 *       attention, so an upper bound for the paper's row and column attention);
 *   <li>the logits over both vocabularies and their gradient, fp32 (the paper keeps logits in
 *       fp32).
 * </ul>
 *
 * @param checkpointBytes the resblock inputs kept for recomputation
 * @param resblockBytes the working set of the resblock being recomputed
 * @param logitBytes the logits and their gradient
 */
public record ActivationMemory(double checkpointBytes, double resblockBytes, double logitBytes) {

  /** The estimate for {@code sequences} sequences of {@code model} on one GPU. */
  public static ActivationMemory of(ModelShape model, int sequences, int activationBytes) {
    TransformerConfig t = model.transformer();
    double b = sequences;
    double s = t.sequenceLength();
    double d = t.dModel();
    double checkpoints = t.layers() * b * s * d * activationBytes;
    double resblock = (17 * b * s * d + 2.5 * t.heads() * b * s * s) * activationBytes;
    double vocabulary = (double) t.textEmbeddingRows() + t.imageVocabSize();
    double logits = 2 * b * s * vocabulary * Float.BYTES;
    return new ActivationMemory(checkpoints, resblock, logits);
  }

  public double totalBytes() {
    return checkpointBytes + resblockBytes + logitBytes;
  }
}
