package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;

/**
 * The transformer's next-token logits for one batch, split by the vocabulary of the token each
 * position predicts (section 2.2 of the paper).
 *
 * @param text logits of text tokens 1..L-1 over the text ids (BPE and padding), {@code (B, L-1,
 *     Vt+L)}; position i predicts text token i+1
 * @param image logits of image tokens 0..N-1 over the codebook, {@code (B, N, Vi)}; the last text
 *     position predicts image token 0
 */
public record PriorLogits(NDArray text, NDArray image) {}
