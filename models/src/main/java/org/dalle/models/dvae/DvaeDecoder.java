package org.dalle.models.dvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.dalle.models.nn.BottleneckBlock;
import org.dalle.models.nn.SameConv2d;

/**
 * The dVAE decoder (appendix A.1): a 1×1 convolution from the (relaxed) one-hot code channels, then
 * {@code groups} groups of bottleneck blocks (kernels 1, 3, 3, 3) with nearest-neighbour 2×
 * upsampling between groups, then ReLU and a 1×1 convolution to the logit-Laplace parameters: μ for
 * every channel, then ln b for every channel.
 *
 * <p>Input: codes {@code (B, vocabSize, gridSize, gridSize)}; output: {@code (B, 2·channels,
 * imageSize, imageSize)}.
 */
public final class DvaeDecoder extends AbstractBlock {

  private static final byte VERSION = 1;

  /** PyTorch's nearest-neighbour interpolation mode in DJL's native interpolate. */
  private static final int NEAREST = 0;

  private final DvaeConfig config;
  private final Block input;
  private final List<List<Block>> groups = new ArrayList<>();
  private final Block output;

  /** The decoder for {@code config}, not yet initialised. */
  public DvaeDecoder(DvaeConfig config) {
    super(VERSION);
    this.config = config.validate();
    int width = config.decoderInputWidth();
    input = addChildBlock("input", SameConv2d.create(config.vocabSize(), width, 1));
    for (int g = 0; g < config.groups(); g++) {
      List<Block> blocks = new ArrayList<>();
      for (int b = 0; b < config.blocksPerGroup(); b++) {
        BottleneckBlock block =
            BottleneckBlock.builder()
                .setInChannels(width)
                .setOutChannels(config.decoderWidth(g))
                .setPostGain(config.postGain())
                .setKernels(1, 3, 3, 3)
                .build();
        blocks.add(addChildBlock("group_" + (g + 1) + "_block_" + (b + 1), block));
        width = config.decoderWidth(g);
      }
      groups.add(blocks);
    }
    output = addChildBlock("output", SameConv2d.create(width, 2 * config.channels(), 1));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    // Channels-last from here on: every layer keeps it, and it is the faster order (ChannelsLast).
    NDList x =
        input.forward(
            parameterStore,
            new NDList(ChannelsLast.of(inputs.head())),
            training); // (B, n_init, G, G)
    for (int g = 0; g < groups.size(); g++) {
      for (Block block : groups.get(g)) {
        x = block.forward(parameterStore, x, training); // (B, n_hid·2^(groups-1-g), G·2^g, G·2^g)
      }
      if (g < groups.size() - 1) {
        x = new NDList(upsampleNearest(x.head()));
      }
    }
    NDArray activated = Activation.relu(x.head());
    NDArray decoded = output.forward(parameterStore, new NDList(activated), training).head();
    // Back to plain order for the likelihood, which slices the 2C channels in two.
    return new NDList(ChannelsLast.planar(decoded)); // (B, 2C, S, S)
  }

  /**
   * Nearest-neighbour 2× upsampling: every pixel becomes a 2×2 patch. Runs PyTorch's {@code
   * upsample_nearest2d}, whose backward is one pass; two {@code repeat}s cost a strided sum each in
   * backward, which made the decoder the slowest part of a training step.
   */
  static NDArray upsampleNearest(NDArray x) {
    Shape shape = x.getShape(); // (B, C, H, W)
    return JniUtils.interpolate( // (B, C, 2H, 2W)
        (PtNDArray) x, new long[] {2 * shape.get(2), 2 * shape.get(3)}, NEAREST, false);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    int size = config.imageSize();
    return new Shape[] {new Shape(batch, 2L * config.channels(), size, size)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    int grid = config.gridSize();
    Shape expected = new Shape(in.get(0), config.vocabSize(), grid, grid);
    if (!in.equals(expected)) {
      throw new IllegalArgumentException("input shape is " + in + "; expected " + expected);
    }
    Shape shape = initialize(input, manager, dataType, in);
    for (int g = 0; g < groups.size(); g++) {
      for (Block block : groups.get(g)) {
        shape = initialize(block, manager, dataType, shape);
      }
      if (g < groups.size() - 1) {
        shape = new Shape(shape.get(0), shape.get(1), shape.get(2) * 2, shape.get(3) * 2);
      }
    }
    initialize(output, manager, dataType, shape);
  }

  private static Shape initialize(Block block, NDManager manager, DataType type, Shape shape) {
    block.initialize(manager, type, shape);
    return block.getOutputShapes(new Shape[] {shape})[0];
  }
}
