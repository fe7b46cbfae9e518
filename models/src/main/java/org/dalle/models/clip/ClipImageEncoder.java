package org.dalle.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.dalle.models.nn.BottleneckBlock;
import org.dalle.models.nn.ParameterSpecs;

/**
 * The contrastive model's image encoder: the dVAE encoder's layout (appendix A.1 of the paper)
 * pooled into one embedding, a small CNN in place of CLIP's ResNet or ViT.
 *
 * <pre>
 *   x = conv3×3(images − ½)                          (B, w, S, S)
 *   x = BottleneckBlock(x) per block of group g      (B, w·2^g, S/2^g, S/2^g)   max-pool 2×2 between
 *   h = mean over H, W of ReLU(x)                    (B, w·2^(G−1))
 *   e = h · W_imageᵀ                                 (B, E)                     not yet normalised
 * </pre>
 *
 * Like the dVAE's, the blocks carry a post-gain of 1 / layers² and no normalisation layer. Images
 * of another side than {@code imageSize} are resized bilinearly first.
 *
 * <p>As a DJL block it takes {@code [images (B, 3, S, S)]} in [0, 1] and returns {@code [e (B,
 * E)]}.
 */
public final class ClipImageEncoder extends AbstractBlock {

  private static final byte VERSION = 1;
  private static final Shape POOL = new Shape(2, 2);

  private final ClipConfig config;
  private final Conv2d input;
  private final List<List<Block>> groups = new ArrayList<>();
  private final Parameter projection;

  /** The encoder for {@code config}, not yet initialised. */
  public ClipImageEncoder(ClipConfig config) {
    super(VERSION);
    this.config = config.validate();
    input = addChildBlock("input", conv(3, config.imageWidth()));
    int width = config.imageWidth();
    float postGain = 1f / ((float) config.imageLayers() * config.imageLayers());
    for (int g = 0; g < config.imageGroups(); g++) {
      List<Block> blocks = new ArrayList<>();
      int groupWidth = config.imageWidth() << g;
      for (int b = 0; b < config.blocksPerGroup(); b++) {
        BottleneckBlock block =
            BottleneckBlock.builder()
                .setInChannels(width)
                .setOutChannels(groupWidth)
                .setPostGain(postGain)
                .setKernels(3, 3, 3, 1)
                .build();
        blocks.add(addChildBlock("group_" + (g + 1) + "_block_" + (b + 1), block));
        width = groupWidth;
      }
      groups.add(blocks);
    }
    projection =
        addParameter(
            ParameterSpecs.matrix("projection", config.embedDim(), width, 1 / Math.sqrt(width)));
  }

  /**
   * The unnormalised image embeddings.
   *
   * @param images RGB in [0, 1], {@code (B, 3, S, S)} for any side S
   * @return {@code (B, E)}
   */
  NDArray encode(ParameterStore store, NDArray images, boolean training) {
    NDArray x = ImageBatch.resize(images, config.imageSize()).sub(0.5f); // (B, 3, s, s), centred
    NDList h = input.forward(store, new NDList(x), training); // (B, w, s, s)
    for (int g = 0; g < groups.size(); g++) {
      for (Block block : groups.get(g)) {
        h = block.forward(store, h, training); // (B, w·2^g, s/2^g, s/2^g)
      }
      if (g < groups.size() - 1) {
        h = new NDList(Pool.maxPool2d(h.head(), POOL, POOL, new Shape(0, 0), false));
      }
    }
    NDArray last = Activation.relu(h.head()); // (B, c, r, r)
    Shape shape = last.getShape();
    NDArray pooled = last.reshape(shape.get(0), shape.get(1), -1).mean(new int[] {2}); // (B, c)
    return Linear.linear(pooled, store.getValue(projection, pooled.getDevice(), false)).head();
  }

  private static Conv2d conv(int inChannels, int outChannels) {
    Conv2d conv =
        Conv2d.builder()
            .setKernelShape(new Shape(3, 3))
            .optPadding(new Shape(1, 1))
            .setFilters(outChannels)
            .build();
    conv.setInitializer(
        new NormalInitializer((float) (1 / Math.sqrt(9.0 * inChannels))), Parameter.Type.WEIGHT);
    conv.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
    return conv;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    return new NDList(encode(parameterStore, inputs.singletonOrThrow(), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.embedDim())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    int size = config.imageSize();
    Shape shape = new Shape(inputShapes[0].get(0), 3, size, size);
    input.initialize(manager, dataType, shape);
    shape = input.getOutputShapes(new Shape[] {shape})[0];
    for (int g = 0; g < groups.size(); g++) {
      for (Block block : groups.get(g)) {
        block.initialize(manager, dataType, shape);
        shape = block.getOutputShapes(new Shape[] {shape})[0];
      }
      if (g < groups.size() - 1) {
        shape = new Shape(shape.get(0), shape.get(1), shape.get(2) / 2, shape.get(3) / 2);
      }
    }
  }
}
