package org.dalle.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.dalle.models.nn.EngineOwned;
import org.dalle.models.nn.ParameterSpecs;

/**
 * The contrastive model's text encoder (CLIP's text transformer over the project's BPE):
 *
 * <pre>
 *   x = token[ids] + position[0..L)               (B, L, C)   ids laid out as TextTokens
 *   x = TextResidualBlock_i(x)  for i = 1..layers  causal attention
 *   h = LN_f(x)[:, last caption token]             (B, C)      CLIP reads its end-of-text token
 *   e = h · W_textᵀ                                (B, E)      not yet normalised
 * </pre>
 *
 * The last caption token is the last id below the vocabulary size (position 0 for an empty
 * caption); with causal attention its state has read the whole caption and no padding.
 *
 * <p>As a DJL block it takes {@code [ids (B, L)]} and returns {@code [e (B, E)]}.
 */
public final class ClipTextEncoder extends AbstractBlock {

  private static final byte VERSION = 1;
  private static final float LAYER_NORM_EPSILON = 1e-5f;

  private final ClipConfig config;
  private final Parameter token;
  private final Parameter position;
  private final List<TextResidualBlock> blocks = new ArrayList<>();
  private final Parameter finalGain;
  private final Parameter finalShift;
  private final Parameter projection;

  /** The encoder for {@code config}, not yet initialised. */
  public ClipTextEncoder(ClipConfig config) {
    super(VERSION);
    this.config = config.validate();
    int width = config.textWidth();
    token =
        addParameter(ParameterSpecs.embedding("token", config.textEmbeddingRows(), width, 0.02));
    position = addParameter(ParameterSpecs.embedding("position", config.textLength(), width, 0.01));
    for (int layer = 1; layer <= config.textLayers(); layer++) {
      TextResidualBlock block =
          TextResidualBlock.builder()
              .setWidth(width)
              .setHeads(config.textHeads())
              .setLayers(config.textLayers())
              .build();
      blocks.add(addChildBlock(String.format("block%02d", layer), block));
    }
    finalGain = addParameter(ParameterSpecs.gain("final_gain", width));
    finalShift = addParameter(ParameterSpecs.shift("final_shift", width));
    projection =
        addParameter(
            ParameterSpecs.matrix("projection", config.embedDim(), width, 1 / Math.sqrt(width)));
  }

  /**
   * The unnormalised text embeddings.
   *
   * @param ids INT64 token rows as {@link org.dalle.models.tokenizer.TextTokens#pad}, {@code (B,
   *     L)}
   * @return {@code (B, E)}
   */
  NDArray encode(ParameterStore store, NDArray ids) {
    NDManager manager = ids.getManager();
    Shape shape = ids.getShape();
    int batch = Math.toIntExact(shape.get(0));
    int length = config.textLength();
    long[] values = ids.toLongArray();
    float[] select = new float[batch * length]; // one-hot of each row's last caption token
    for (int b = 0; b < batch; b++) {
      int last = 0;
      for (int i = 0; i < length; i++) {
        long id = values[b * length + i];
        if (id < 0 || id >= config.textEmbeddingRows()) {
          throw new IllegalArgumentException(
              String.format(
                  "token id %d at row %d, position %d is out of range; expected 0..%d (BPE ids,"
                      + " then padding ids vocab + position)",
                  id, b, i, config.textEmbeddingRows() - 1));
        }
        if (id < config.textVocabSize()) {
          last = i;
        }
      }
      select[b * length + last] = 1f;
    }
    NDArray x = lookup(store, token, ids).add(lookup(store, position, manager.arange(length)));
    NDArray causal = causalBias(manager, length); // (L, L)
    for (TextResidualBlock block : blocks) {
      x = block.forward(store, x, causal); // (B, L, C)
    }
    NDArray gamma = store.getValue(finalGain, x.getDevice(), false);
    NDArray beta = store.getValue(finalShift, x.getDevice(), false);
    NDArray h =
        LayerNorm.layerNorm(x, new Shape(config.textWidth()), gamma, beta, LAYER_NORM_EPSILON)
            .head(); // (B, L, C)
    // Autograd keeps the selection for the backward pass, after this block's manager is closed.
    NDArray selection = EngineOwned.copyOf(manager, select, new Shape(batch, 1, length)); // (B,1,L)
    NDArray pooled = selection.matMul(h).squeeze(1); // (B, C)
    return Linear.linear(pooled, store.getValue(projection, x.getDevice(), false)).head();
  }

  /** 0 where key ≤ query, −∞ elsewhere: {@code (L, L)}. */
  private static NDArray causalBias(NDManager manager, int length) {
    float[] bias = new float[length * length];
    for (int query = 0; query < length; query++) {
      for (int key = query + 1; key < length; key++) {
        bias[query * length + key] = Float.NEGATIVE_INFINITY;
      }
    }
    return manager.create(bias, new Shape(length, length));
  }

  private static NDArray lookup(ParameterStore store, Parameter table, NDArray ids) {
    NDArray weight = store.getValue(table, ids.getDevice(), false);
    return Embedding.embedding(ids, weight, SparseFormat.DENSE).head();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray ids = inputs.singletonOrThrow().toType(DataType.INT64, false);
    return new NDList(encode(parameterStore, ids));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), config.embedDim())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape hidden = new Shape(inputShapes[0].get(0), config.textLength(), config.textWidth());
    for (TextResidualBlock block : blocks) {
      block.initialize(
          manager, dataType, hidden, new Shape(config.textLength(), config.textLength()));
    }
  }
}
