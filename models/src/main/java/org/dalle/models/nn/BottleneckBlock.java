package org.dalle.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * The dVAE's residual block (appendix A.1 of the paper): {@code y = id(x) + postGain · res(x)},
 * where {@code id} is the identity, or a 1×1 convolution when the width changes, and {@code res} is
 * four ReLU-then-convolution steps through a bottleneck a quarter as wide as the output.
 *
 * <p>The encoder's blocks use kernels 3, 3, 3, 1 and the decoder's 1, 3, 3, 3. There is no
 * normalisation layer; the post-gain {@code 1 / n_layers²} keeps the stack near the identity at
 * initialisation instead. The contrastive model's image encoder stacks the same blocks.
 */
public final class BottleneckBlock extends AbstractBlock {

  private static final byte VERSION = 1;

  private final int inChannels;
  private final int outChannels;
  private final float postGain;
  private final Block idPath;
  private final SequentialBlock resPath;

  private BottleneckBlock(Builder builder) {
    super(VERSION);
    inChannels = builder.inChannels;
    outChannels = builder.outChannels;
    postGain = builder.postGain;
    int hidden = outChannels / 4;
    idPath =
        inChannels == outChannels
            ? null
            : addChildBlock("id_path", SameConv2d.create(inChannels, outChannels, 1));
    SequentialBlock res = new SequentialBlock();
    int[] kernels = builder.kernels;
    int width = inChannels;
    for (int i = 0; i < kernels.length; i++) {
      int next = i == kernels.length - 1 ? outChannels : hidden;
      res.addSingleton(Activation::relu, "relu_" + (i + 1));
      res.add(SameConv2d.create(width, next, kernels[i]));
      width = next;
    }
    resPath = addChildBlock("res_path", res);
  }

  /** A builder; in/out channels, the post-gain and the four kernel sizes are required. */
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
    NDArray id =
        idPath == null
            ? x
            : idPath.forward(parameterStore, inputs, training).singletonOrThrow(); // (B, out, H, W)
    NDArray res = resPath.forward(parameterStore, inputs, training).singletonOrThrow();
    return new NDList(id.add(Scale.by(res, postGain))); // (B, out, H, W)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), outChannels, in.get(2), in.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    if (in.dimension() != 4 || in.get(1) != inChannels) {
      throw new IllegalArgumentException(
          "input shape is " + in + "; expected (B, " + inChannels + ", H, W)");
    }
    if (idPath != null) {
      idPath.initialize(manager, dataType, in);
    }
    resPath.initialize(manager, dataType, in);
  }

  @Override
  public String toString() {
    return String.format("BottleneckBlock(%d -> %d, gain %g)", inChannels, outChannels, postGain);
  }

  /** Builds a {@link BottleneckBlock}, rejecting widths that have no integral bottleneck. */
  public static final class Builder {
    private int inChannels;
    private int outChannels;
    private float postGain = Float.NaN;
    private int[] kernels;

    private Builder() {}

    /** Width of the input. */
    public Builder setInChannels(int inChannels) {
      this.inChannels = inChannels;
      return this;
    }

    /** Width of the output; the bottleneck inside is a quarter of it. */
    public Builder setOutChannels(int outChannels) {
      this.outChannels = outChannels;
      return this;
    }

    /** Multiplier of the residual path, {@code 1 / n_layers²} in the paper. */
    public Builder setPostGain(float postGain) {
      this.postGain = postGain;
      return this;
    }

    /** The four kernel sizes of the residual path: 3, 3, 3, 1 (encoder) or 1, 3, 3, 3 (decoder). */
    public Builder setKernels(int... kernels) {
      this.kernels = kernels.clone();
      return this;
    }

    /** The block, after checking every value. */
    public BottleneckBlock build() {
      if (inChannels < 1) {
        throw new IllegalArgumentException("inChannels is " + inChannels + "; expected >= 1");
      }
      if (outChannels < 4 || outChannels % 4 != 0) {
        throw new IllegalArgumentException(
            "outChannels is " + outChannels + "; expected a positive multiple of 4");
      }
      if (!(postGain > 0) || Float.isInfinite(postGain)) {
        throw new IllegalArgumentException(
            "postGain is " + postGain + "; expected a finite positive number such as 1/n_layers²");
      }
      if (kernels == null || kernels.length != 4) {
        throw new IllegalArgumentException(
            "kernels are "
                + (kernels == null ? "unset" : Arrays.toString(kernels))
                + "; expected four sizes such as 3, 3, 3, 1");
      }
      return new BottleneckBlock(this);
    }
  }
}
