package org.dalle.models.transformer;

import ai.djl.nn.Parameter;
import org.dalle.models.nn.ParameterSpecs;

/**
 * The transformer's parameters, each with its shape and initial values fixed at construction as in
 * GPT-2: matrices and embeddings from N(0, 0.02²), residual output projections from N(0, (0.02 /
 * √(2·layers))²) so the residual stream's variance does not grow with depth, biases zero, gains
 * one. Matrices, biases, gains and shifts come from {@link ParameterSpecs}.
 *
 * <p>Embeddings are {@link Parameter.Type#OTHER}, so {@code AdamW.weightsOnly()} decays matrices
 * but not embeddings, gains or biases.
 */
final class TransformerParameters {

  /** Standard deviation of matrices and embeddings at initialisation. */
  static final float INIT_STD = 0.02f;

  private TransformerParameters() {}

  /** A {@code (rows, width)} embedding table from N(0, 0.02²). */
  static Parameter embedding(String name, long rows, long width) {
    return ParameterSpecs.embedding(name, rows, width, INIT_STD);
  }
}
