package org.dalle.models.transformer;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;

/**
 * The transformer's parameters, each with its shape and initial values fixed at construction as in
 * GPT-2: matrices and embeddings from N(0, 0.02²), residual output projections from N(0, (0.02 /
 * √(2·layers))²) so the residual stream's variance does not grow with depth, biases zero, gains
 * one.
 *
 * <p>Embeddings are {@link Parameter.Type#OTHER}, so {@code AdamW.weightsOnly()} decays matrices
 * but not embeddings, gains or biases.
 */
final class TransformerParameters {

  /** Standard deviation of matrices and embeddings at initialisation. */
  static final float INIT_STD = 0.02f;

  private TransformerParameters() {}

  /** A {@code (rows, columns)} matrix from N(0, std²). */
  static Parameter matrix(String name, long rows, long columns, float std) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows, columns))
        .optInitializer(new NormalInitializer(std))
        .build();
  }

  /** A {@code (rows, width)} embedding table from N(0, 0.02²). */
  static Parameter embedding(String name, long rows, long width) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(rows, width))
        .optInitializer(new NormalInitializer(INIT_STD))
        .build();
  }

  /** A zero bias of {@code size}. */
  static Parameter bias(String name, long size) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.BIAS)
        .optShape(new Shape(size))
        .optInitializer(Initializer.ZEROS)
        .build();
  }

  /** A layer-norm gain of {@code size}, all ones. */
  static Parameter gain(String name, long size) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.GAMMA)
        .optShape(new Shape(size))
        .optInitializer(new ConstantInitializer(1f))
        .build();
  }

  /** A layer-norm shift of {@code size}, all zeros. */
  static Parameter shift(String name, long size) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.BETA)
        .optShape(new Shape(size))
        .optInitializer(Initializer.ZEROS)
        .build();
  }
}
