package org.dalle.models.dvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.dalle.models.nn.BottleneckBlock;
import org.dalle.models.nn.SameConv2d;

/**
 * The dVAE encoder (appendix A.1): a 7×7 convolution, then {@code groups} groups of bottleneck
 * blocks (kernels 3, 3, 3, 1) with 2×2 max-pooling between groups, then ReLU and a 1×1 convolution
 * to one logit per codebook entry at every grid position.
 *
 * <p>Input: images {@code (B, channels, imageSize, imageSize)}; output: logits {@code (B,
 * vocabSize, gridSize, gridSize)}.
 */
public final class DvaeEncoder extends AbstractBlock {

  private static final byte VERSION = 1;
  private static final Shape POOL = new Shape(2, 2);

  private final DvaeConfig config;
  private final Block input;
  private final List<List<Block>> groups = new ArrayList<>();
  private final Block output;

  /** The encoder for {@code config}, not yet initialised. */
  public DvaeEncoder(DvaeConfig config) {
    super(VERSION);
    this.config = config.validate();
    input = addChildBlock("input", SameConv2d.create(config.channels(), config.hiddenWidth(), 7));
    int width = config.hiddenWidth();
    for (int g = 0; g < config.groups(); g++) {
      List<Block> blocks = new ArrayList<>();
      for (int b = 0; b < config.blocksPerGroup(); b++) {
        BottleneckBlock block =
            BottleneckBlock.builder()
                .setInChannels(width)
                .setOutChannels(config.encoderWidth(g))
                .setPostGain(config.postGain())
                .setKernels(3, 3, 3, 1)
                .build();
        blocks.add(addChildBlock("group_" + (g + 1) + "_block_" + (b + 1), block));
        width = config.encoderWidth(g);
      }
      groups.add(blocks);
    }
    output = addChildBlock("output", SameConv2d.create(width, config.vocabSize(), 1));
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
            training); // (B, n_hid, S, S)
    for (int g = 0; g < groups.size(); g++) {
      for (Block block : groups.get(g)) {
        x = block.forward(parameterStore, x, training); // (B, n_hid·2^g, S/2^g, S/2^g)
      }
      if (g < groups.size() - 1) {
        x = new NDList(Pool.maxPool2d(x.head(), POOL, POOL, new Shape(0, 0), false));
      }
    }
    NDArray activated = Activation.relu(x.head());
    return output.forward(parameterStore, new NDList(activated), training); // (B, K, G, G)
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    int grid = config.gridSize();
    return new Shape[] {new Shape(batch, config.vocabSize(), grid, grid)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    Shape expected =
        new Shape(in.get(0), config.channels(), config.imageSize(), config.imageSize());
    if (!in.equals(expected)) {
      throw new IllegalArgumentException("input shape is " + in + "; expected " + expected);
    }
    Shape shape = initialize(input, manager, dataType, in);
    for (int g = 0; g < groups.size(); g++) {
      for (Block block : groups.get(g)) {
        shape = initialize(block, manager, dataType, shape);
      }
      if (g < groups.size() - 1) {
        shape = new Shape(shape.get(0), shape.get(1), shape.get(2) / 2, shape.get(3) / 2);
      }
    }
    initialize(output, manager, dataType, shape);
  }

  private static Shape initialize(Block block, NDManager manager, DataType type, Shape shape) {
    block.initialize(manager, type, shape);
    return block.getOutputShapes(new Shape[] {shape})[0];
  }
}
