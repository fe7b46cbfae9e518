package org.dalle.models.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;

/**
 * Convolutions that keep the image size, as the dVAE and the bottleneck blocks use them: square odd
 * kernels, "same" padding, stride 1, weights drawn from N(0, 1 / (inChannels · kernel²)) and zero
 * biases, as in OpenAI's released {@code dall_e} layers. With that variance a ReLU stack keeps
 * activations at a steady scale, which the post-gain of {@link BottleneckBlock} relies on.
 */
public final class SameConv2d {

  private SameConv2d() {}

  /** A {@code kernel}×{@code kernel} convolution from {@code inChannels} to {@code outChannels}. */
  public static Conv2d create(int inChannels, int outChannels, int kernel) {
    if (kernel < 1 || kernel % 2 == 0) {
      throw new IllegalArgumentException(
          "kernel is " + kernel + "; expected an odd size so that padding keeps the image size");
    }
    if (inChannels < 1 || outChannels < 1) {
      throw new IllegalArgumentException(
          "channels are " + inChannels + " -> " + outChannels + "; expected at least 1 each");
    }
    int padding = (kernel - 1) / 2;
    Conv2d conv =
        Conv2d.builder()
            .setKernelShape(new Shape(kernel, kernel))
            .optPadding(new Shape(padding, padding))
            .setFilters(outChannels)
            .build();
    float std = (float) (1.0 / Math.sqrt((double) inChannels * kernel * kernel));
    conv.setInitializer(new NormalInitializer(std), Parameter.Type.WEIGHT);
    conv.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
    return conv;
  }
}
