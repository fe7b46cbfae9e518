package org.dalle.models.clip;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;

/**
 * The contrastive model's parameters, each with its shape and initial values fixed at construction,
 * following CLIP's initialisation: token embeddings N(0, 0.02²), position embeddings N(0, 0.01²),
 * attention and MLP matrices scaled by the width, biases zero, gains one.
 *
 * <p>Only matrices are {@link Parameter.Type#WEIGHT}, so {@code AdamW.weightsOnly()} decays them
 * and not embeddings, gains, biases or the logit scale (CLIP excludes those from weight decay too).
 */
final class ClipParameters {

  private ClipParameters() {}

  /** A {@code (rows, columns)} matrix from N(0, std²). */
  static Parameter matrix(String name, long rows, long columns, double std) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows, columns))
        .optInitializer(new NormalInitializer((float) std))
        .build();
  }

  /** A {@code (rows, width)} embedding table from N(0, std²). */
  static Parameter embedding(String name, long rows, long width, double std) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(rows, width))
        .optInitializer(new NormalInitializer((float) std))
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

  /** A scalar {@code (1)} starting at {@code value}, never weight-decayed. */
  static Parameter scalar(String name, float value) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(1))
        .optInitializer(new ConstantInitializer(value))
        .build();
  }
}
