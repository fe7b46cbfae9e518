package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dalle.models.nn.ParameterSpecs;
import org.dalle.models.nn.Scale;

/**
 * Multi-head causal self-attention under one layer's mask (section 2.2 of the paper): {@code
 * softmax(q·kᵀ/√d + bias)·v} per head, where the bias is 0 where {@link AttentionMasks} allows a
 * (query, key) pair and −∞ elsewhere, followed by an output projection.
 *
 * <p>Over a whole sequence under a sparse kind, attention is computed window by window ({@link
 * WindowedAttention}), the layout of a block-sparse kernel; over a prefix, or under the causal
 * kind, it is computed densely and masked, which gives the same. {@link #step} is the cached form
 * for decoding, where a single query reads the cached keys under its mask row ({@link
 * DecoderMasks}).
 *
 * <p>As a DJL block it takes {@code [x (B, T, C), bias (T, T)]}.
 */
final class MaskedSelfAttention extends AbstractBlock {

  private static final byte VERSION = 1;

  private final TransformerConfig config;
  private final AttentionMasks masks;
  private final AttentionMasks.Kind kind;
  private final float dropout;
  private final Parameter qkvWeight;
  private final Parameter qkvBias;
  private final Parameter outWeight;
  private final Parameter outBias;

  private MaskedSelfAttention(Builder builder) {
    super(VERSION);
    config = builder.config;
    masks = config.masks();
    kind = AttentionMasks.kindOfLayer(builder.layer, config.layers(), config.attention());
    dropout = config.dropout();
    int width = config.dModel();
    float residualStd = TransformerParameters.INIT_STD / (float) Math.sqrt(2.0 * config.layers());
    qkvWeight =
        addParameter(
            ParameterSpecs.matrix("qkv_weight", 3L * width, width, TransformerParameters.INIT_STD));
    qkvBias = addParameter(ParameterSpecs.bias("qkv_bias", 3L * width));
    outWeight = addParameter(ParameterSpecs.matrix("out_weight", width, width, residualStd));
    outBias = addParameter(ParameterSpecs.bias("out_bias", width));
  }

  static Builder builder() {
    return new Builder();
  }

  AttentionMasks.Kind kind() {
    return kind;
  }

  /**
   * Attention over a whole (prefix of the) sequence.
   *
   * @param x layer-normed input, {@code (B, t, C)}
   * @param mask this layer's kind's mask for positions {@code 0..t-1}
   * @return {@code (B, t, C)}
   */
  NDArray forward(ParameterStore store, NDArray x, LayerMask mask, boolean training) {
    if (!mask.isWindowed()) {
      NDList qkv = project(store, x); // 3 × (B, H, t, hd)
      NDArray y = attend(qkv.get(0), qkv.get(1), qkv.get(2), mask.dense(), training);
      return output(store, y, training); // (B, t, C)
    }
    // The windows cover the whole sequence, whose last image token the model never reads: a row
    // of zeros stands in for it, and its output is dropped.
    Shape shape = x.getShape(); // (B, T-1, C)
    NDArray last = x.getManager().zeros(new Shape(shape.get(0), 1, shape.get(2)), x.getDataType());
    NDList qkv = project(store, x.concat(last, 1)); // 3 × (B, H, T, hd)
    NDArray y = // (B, H, T, hd)
        WindowedAttention.attend(
            Scale.by(qkv.get(0), queryScale()), qkv.get(1), qkv.get(2), mask, rate(training));
    return output(store, y.split(new long[] {shape.get(1)}, 2).get(0), training);
  }

  /**
   * Attention of positions {@code start..start+n-1}, whose keys and values are added to {@code
   * cache}, over themselves and every cached earlier position its mask allows.
   *
   * @param x layer-normed input of the new positions, {@code (B, n, C)}
   * @param masks the mask rows and scale of single-position steps
   * @return {@code (B, n, C)}
   */
  NDArray step(ParameterStore store, NDArray x, KvCache cache, int start, DecoderMasks masks) {
    NDManager manager = x.getManager();
    int n = Math.toIntExact(x.getShape().get(1));
    int end = start + n;
    NDList qkv = project(store, x); // 3 × (B, H, n, hd)
    cache.write(start, qkv.get(1).transpose(0, 1, 3, 2), qkv.get(2));
    float[] bias = new float[n * end];
    for (int i = 0; i < n; i++) {
      boolean[] row = this.masks.row(kind, start + i, end);
      for (int key = 0; key < end; key++) {
        bias[i * end + key] = row[key] ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    NDArray biasArray = manager.create(bias, new Shape(n, end)).toType(x.getDataType(), false);
    NDArray keys = // (B, H, end, hd), a view
        cache.keysTransposedBefore(end, manager).transpose(0, 1, 3, 2);
    NDArray y = attend(qkv.get(0), keys, cache.valuesBefore(end, manager), biasArray, false);
    return output(store, y, false); // (B, n, C)
  }

  /**
   * {@link #step} for the single position {@code position}, on {@code (B, C)} states, in as few
   * engine operations as the maths allows: per-operation cost, not arithmetic, bounds a decoding
   * step of a small model. Two-dimensional states let each projection run as one fused
   * multiply-add, and the cache's query-scaled projection saves scaling the queries.
   *
   * @param x layer-normed input of the position, {@code (B, C)}
   * @return {@code (B, C)}
   */
  NDArray stepOne(
      ParameterStore store, NDArray x, KvCache cache, int position, DecoderMasks masks) {
    NDManager manager = x.getManager();
    long batch = x.getShape().get(0);
    int heads = config.heads();
    int headSize = config.headSize();
    NDList parts = // q/√hd, k, v: 3 × (B, H, 1, hd), views of the projection
        Linear.linear(x, cache.projectionWeight(), cache.projectionBias())
            .head()
            .reshape(batch, 3L * heads, 1, headSize)
            .split(3, 1);
    cache.write(position, parts.get(1).transpose(0, 1, 3, 2), parts.get(2));
    NDArray scores =
        parts.get(0).matMul(cache.keysTransposedBefore(position + 1, manager)); // (B,H,1,t)
    NDArray row = masks.row(kind, position, manager); // (1, t); null: all keys allowed
    if (row != null) {
      scores = scores.add(row);
    }
    NDArray y = scores.softmax(-1).matMul(cache.valuesBefore(position + 1, manager)); // (B,H,1,hd)
    NDArray outW = store.getValue(outWeight, x.getDevice(), false);
    NDArray outB = store.getValue(outBias, x.getDevice(), false);
    // With one position, (B, H, 1, hd) is already laid out as (B, H·hd).
    return Linear.linear(y.reshape(batch, config.dModel()), outW, outB).head(); // (B, C)
  }

  /** An empty cache for this layer's keys and values, with its query-scaled projection. */
  KvCache newCache(ParameterStore store, NDManager manager, int batch, int capacity) {
    NDArray weight = store.getValue(qkvWeight, manager.getDevice(), false);
    NDArray bias = store.getValue(qkvBias, manager.getDevice(), false);
    return new KvCache(
        manager, batch, config.heads(), capacity, config.headSize(), weight, bias, queryScale());
  }

  /** q, k, v split into heads: 3 × {@code (B, H, n, hd)}. */
  private NDList project(ParameterStore store, NDArray x) {
    NDArray weight = store.getValue(qkvWeight, x.getDevice(), false);
    NDArray bias = store.getValue(qkvBias, x.getDevice(), false);
    NDArray qkv = Affine.apply(x, weight, bias); // (B, n, 3C)
    NDList parts = qkv.split(3, 2); // 3 × (B, n, C)
    NDList heads = new NDList(3);
    for (NDArray part : parts) {
      heads.add(splitHeads(part));
    }
    return heads;
  }

  /** {@code softmax(q·kᵀ/√hd + bias)·v}: {@code (B, H, n, hd)}. */
  private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias, boolean training) {
    // Scaling the queries rather than the scores saves a pass over the (n, m) scores forwards and
    // backwards; q has hd entries per position where the scores have m.
    q = Scale.by(q, queryScale());
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)); // (B, H, n, m)
    if (bias != null) {
      scores = scores.add(bias); // (n, m) broadcast over B, H
    }
    NDArray weights = scores.softmax(-1); // (B, H, n, m)
    if (training && dropout > 0) {
      weights = Dropout.dropout(weights, dropout, true).head();
    }
    return weights.matMul(v); // (B, H, n, hd)
  }

  /** {@code 1/√hd}, the scale of the scores. */
  private float queryScale() {
    return (float) (1.0 / Math.sqrt(config.headSize()));
  }

  /** The dropout rate of the attention weights: 0 unless training. */
  private float rate(boolean training) {
    return training ? dropout : 0f;
  }

  /** Heads merged and projected: {@code (B, n, C)}. */
  private NDArray output(ParameterStore store, NDArray y, boolean training) {
    Shape shape = y.getShape();
    NDArray merged =
        y.transpose(0, 2, 1, 3).reshape(shape.get(0), shape.get(2), config.dModel()); // (B, n, C)
    NDArray weight = store.getValue(outWeight, y.getDevice(), false);
    NDArray bias = store.getValue(outBias, y.getDevice(), false);
    NDArray out = Affine.apply(merged, weight, bias); // (B, n, C)
    if (training && dropout > 0) {
      out = Dropout.dropout(out, dropout, true).head();
    }
    return out;
  }

  private NDArray splitHeads(NDArray x) {
    Shape shape = x.getShape(); // (B, n, C)
    return x.reshape(shape.get(0), shape.get(1), config.heads(), config.headSize())
        .transpose(0, 2, 1, 3); // (B, H, n, hd)
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    if (inputs.size() != 2) {
      throw new IllegalArgumentException(
          "inputs are " + inputs.size() + " arrays; expected [x (B, T, C), bias (T, T)]");
    }
    return new NDList(
        forward(parameterStore, inputs.get(0), LayerMask.dense(inputs.get(1)), training));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  /** Builds a {@link MaskedSelfAttention}; the config and the 1-based layer are required. */
  static final class Builder {
    private TransformerConfig config;
    private int layer;

    private Builder() {}

    /** The model's shape, which also fixes the masks. */
    Builder setConfig(TransformerConfig config) {
      this.config = config;
      return this;
    }

    /** Which layer (1-based) this is, which picks its mask from the schedule. */
    Builder setLayer(int layer) {
      this.layer = layer;
      return this;
    }

    MaskedSelfAttention build() {
      if (config == null) {
        throw new IllegalArgumentException("config is unset; expected a TransformerConfig");
      }
      config.validate();
      if (layer < 1 || layer > config.layers()) {
        throw new IllegalArgumentException(
            "layer is " + layer + "; expected 1.." + config.layers() + " (numbered from 1)");
      }
      return new MaskedSelfAttention(this);
    }
  }
}
