package org.dalle.models.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;

/**
 * Parameters with their shape, type and initial values fixed at construction, shared by the
 * transformer prior and the contrastive model.
 *
 * <p>Only matrices are {@link Parameter.Type#WEIGHT}, so {@code AdamW.weightsOnly()} decays them
 * and not embeddings, gains, shifts, biases or scalars.
 */
public final class ParameterSpecs {

  private ParameterSpecs() {}

  /** A {@code (rows, columns)} matrix from N(0, std²). */
  public static Parameter matrix(String name, long rows, long columns, double std) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape(rows, columns))
        .optInitializer(new NormalInitializer((float) std))
        .build();
  }

  /** A {@code (rows, width)} embedding table from N(0, std²). */
  public static Parameter embedding(String name, long rows, long width, double std) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(rows, width))
        .optInitializer(new NormalInitializer((float) std))
        .build();
  }

  /** A zero bias of {@code size}. */
  public static Parameter bias(String name, long size) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.BIAS)
        .optShape(new Shape(size))
        .optInitializer(Initializer.ZEROS)
        .build();
  }

  /** A layer-norm gain of {@code size}, all ones. */
  public static Parameter gain(String name, long size) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.GAMMA)
        .optShape(new Shape(size))
        .optInitializer(new ConstantInitializer(1f))
        .build();
  }

  /** A layer-norm shift of {@code size}, all zeros. */
  public static Parameter shift(String name, long size) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.BETA)
        .optShape(new Shape(size))
        .optInitializer(Initializer.ZEROS)
        .build();
  }

  /** A scalar {@code (1)} starting at {@code value}, never weight-decayed. */
  public static Parameter scalar(String name, float value) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(1))
        .optInitializer(new ConstantInitializer(value))
        .build();
  }
}
