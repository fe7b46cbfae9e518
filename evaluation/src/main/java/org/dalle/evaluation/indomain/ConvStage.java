package org.dalle.evaluation.indomain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * One resolution of the evaluator: {@code convs} 3×3 convolutions ("same" padding), each followed
 * by a ReLU, then 2×2 max-pooling: {@code (B, in, H, W) → (B, out, H/2, W/2)}. Weights start from
 * He initialisation, N(0, 2 / (in · 9)), which keeps a ReLU stack's activations at a steady scale
 * without a normalisation layer (so the network has no running statistics to checkpoint).
 */
public final class ConvStage extends AbstractBlock {

  private static final byte VERSION = 1;
  private static final Shape POOL = new Shape(2, 2);

  private final int inChannels;
  private final int outChannels;
  private final List<Conv2d> convs = new ArrayList<>();

  private ConvStage(Builder builder) {
    super(VERSION);
    inChannels = builder.inChannels;
    outChannels = builder.outChannels;
    int width = inChannels;
    for (int i = 0; i < builder.convs; i++) {
      Conv2d conv =
          Conv2d.builder()
              .setKernelShape(new Shape(3, 3))
              .optPadding(new Shape(1, 1))
              .setFilters(outChannels)
              .build();
      conv.setInitializer(
          new NormalInitializer((float) Math.sqrt(2.0 / (width * 9))), Parameter.Type.WEIGHT);
      conv.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
      convs.add(addChildBlock("conv_" + (i + 1), conv));
      width = outChannels;
    }
  }

  /** A builder; the input and output widths are required, one convolution is the default. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, in, H, W)
    for (Conv2d conv : convs) {
      x = conv.forward(parameterStore, new NDList(x), training).singletonOrThrow();
      x = Activation.relu(x); // (B, out, H, W)
    }
    return new NDList(Pool.maxPool2d(x, POOL, POOL, new Shape(0, 0), false)); // (B, out, H/2, W/2)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), outChannels, in.get(2) / 2, in.get(3) / 2)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    if (in.dimension() != 4 || in.get(1) != inChannels || in.get(2) < 2 || in.get(3) < 2) {
      throw new IllegalArgumentException(
          "input shape is " + in + "; expected (B, " + inChannels + ", H, W) with H, W >= 2");
    }
    Shape shape = in;
    for (Conv2d conv : convs) {
      conv.initialize(manager, dataType, shape);
      shape = conv.getOutputShapes(new Shape[] {shape})[0];
    }
  }

  @Override
  public String toString() {
    return String.format("ConvStage(%d -> %d, %d convs)", inChannels, outChannels, convs.size());
  }

  /** Builds a {@link ConvStage}, rejecting non-positive widths. */
  public static final class Builder {
    private int inChannels;
    private int outChannels;
    private int convs = 1;

    private Builder() {}

    /** Channels of the input. */
    public Builder setInChannels(int inChannels) {
      this.inChannels = inChannels;
      return this;
    }

    /** Channels of every convolution's output. */
    public Builder setOutChannels(int outChannels) {
      this.outChannels = outChannels;
      return this;
    }

    /** 3×3 convolutions before the pooling (default 1). */
    public Builder optConvs(int convs) {
      this.convs = convs;
      return this;
    }

    /** The stage, after checking every value. */
    public ConvStage build() {
      if (inChannels < 1 || outChannels < 1) {
        throw new IllegalArgumentException(
            "channels are " + inChannels + " -> " + outChannels + "; expected at least 1 each");
      }
      if (convs < 1) {
        throw new IllegalArgumentException("convs is " + convs + "; expected at least 1");
      }
      return new ConvStage(this);
    }
  }
}
