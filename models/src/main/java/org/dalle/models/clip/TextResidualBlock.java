package org.dalle.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dalle.models.nn.ParameterSpecs;
import org.dalle.models.nn.Scale;

/**
 * A pre-LN transformer resblock of the contrastive model's text encoder (GPT-2's layout, as CLIP's
 * text transformer):
 *
 * <pre>
 *   x ← x + W_o · softmax(q·kᵀ/√d + causal) · v      q, k, v = split(W_qkv · LN₁(x) + b_qkv)
 *   x ← x + W₂ · GELU(W₁ · LN₂(x) + b₁) + b₂         4·C wide inside
 * </pre>
 *
 * <p>Attention is causal, as in CLIP: a position sees itself and the positions before it, so the
 * padding after a caption never changes the caption's states. Initialised as CLIP: {@code W_qkv}
 * from N(0, 1/C), {@code W₁} from N(0, 1/(2C)), the two output projections from N(0, 1/(2·C·
 * layers)).
 *
 * <p>As a DJL block it takes {@code [x (B, T, C), causal bias (T, T)]}.
 */
final class TextResidualBlock extends AbstractBlock {

  private static final byte VERSION = 1;
  private static final float LAYER_NORM_EPSILON = 1e-5f;

  private final int width;
  private final int heads;
  private final Parameter norm1Gain;
  private final Parameter norm1Shift;
  private final Parameter qkvWeight;
  private final Parameter qkvBias;
  private final Parameter outWeight;
  private final Parameter outBias;
  private final Parameter norm2Gain;
  private final Parameter norm2Shift;
  private final Parameter fcWeight;
  private final Parameter fcBias;
  private final Parameter projWeight;
  private final Parameter projBias;

  private TextResidualBlock(Builder builder) {
    super(VERSION);
    width = builder.width;
    heads = builder.heads;
    double attentionStd = 1 / Math.sqrt(width);
    double outputStd = attentionStd / Math.sqrt(2.0 * builder.layers);
    double fcStd = 1 / Math.sqrt(2.0 * width);
    norm1Gain = addParameter(ParameterSpecs.gain("norm1_gain", width));
    norm1Shift = addParameter(ParameterSpecs.shift("norm1_shift", width));
    qkvWeight = addParameter(ParameterSpecs.matrix("qkv_weight", 3L * width, width, attentionStd));
    qkvBias = addParameter(ParameterSpecs.bias("qkv_bias", 3L * width));
    outWeight = addParameter(ParameterSpecs.matrix("out_weight", width, width, outputStd));
    outBias = addParameter(ParameterSpecs.bias("out_bias", width));
    norm2Gain = addParameter(ParameterSpecs.gain("norm2_gain", width));
    norm2Shift = addParameter(ParameterSpecs.shift("norm2_shift", width));
    fcWeight = addParameter(ParameterSpecs.matrix("fc_weight", 4L * width, width, fcStd));
    fcBias = addParameter(ParameterSpecs.bias("fc_bias", 4L * width));
    projWeight = addParameter(ParameterSpecs.matrix("proj_weight", width, 4L * width, outputStd));
    projBias = addParameter(ParameterSpecs.bias("proj_bias", width));
  }

  static Builder builder() {
    return new Builder();
  }

  /**
   * @param x {@code (B, T, C)}
   * @param causal additive mask, 0 where key ≤ query and −∞ elsewhere, {@code (T, T)}
   * @return {@code (B, T, C)}
   */
  NDArray forward(ParameterStore store, NDArray x, NDArray causal) {
    NDArray h = norm(store, x, norm1Gain, norm1Shift);
    x = x.add(attention(store, h, causal)); // (B, T, C)
    h = norm(store, x, norm2Gain, norm2Shift);
    NDArray hidden = Activation.gelu(linear(store, h, fcWeight, fcBias)); // (B, T, 4C)
    return x.add(linear(store, hidden, projWeight, projBias)); // (B, T, C)
  }

  private NDArray attention(ParameterStore store, NDArray h, NDArray causal) {
    Shape shape = h.getShape();
    long batch = shape.get(0);
    long length = shape.get(1);
    int headSize = width / heads;
    NDArray qkv = linear(store, h, qkvWeight, qkvBias); // (B, T, 3C)
    NDList parts = qkv.reshape(batch, length, 3, heads, headSize).split(3, 2);
    NDArray q = parts.get(0).squeeze(2).transpose(0, 2, 1, 3); // (B, H, T, hd)
    NDArray k = parts.get(1).squeeze(2).transpose(0, 2, 3, 1); // (B, H, hd, T)
    NDArray v = parts.get(2).squeeze(2).transpose(0, 2, 1, 3); // (B, H, T, hd)
    NDArray scores = Scale.by(q.matMul(k), (float) (1 / Math.sqrt(headSize))); // (B, H, T, T)
    NDArray weights = scores.add(causal).softmax(-1); // (B, H, T, T)
    NDArray y = weights.matMul(v).transpose(0, 2, 1, 3).reshape(batch, length, width); // (B, T, C)
    return linear(store, y, outWeight, outBias); // (B, T, C)
  }

  private NDArray norm(ParameterStore store, NDArray x, Parameter gain, Parameter shift) {
    NDArray gamma = store.getValue(gain, x.getDevice(), false);
    NDArray beta = store.getValue(shift, x.getDevice(), false);
    return LayerNorm.layerNorm(x, new Shape(width), gamma, beta, LAYER_NORM_EPSILON).head();
  }

  private static NDArray linear(ParameterStore store, NDArray x, Parameter w, Parameter b) {
    return Linear.linear(
            x, store.getValue(w, x.getDevice(), false), store.getValue(b, x.getDevice(), false))
        .head();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    if (inputs.size() != 2) {
      throw new IllegalArgumentException(
          "inputs are " + inputs.size() + " arrays; expected [x (B, T, C), causal bias (T, T)]");
    }
    return new NDList(forward(parameterStore, inputs.get(0), inputs.get(1)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  /** Builds a {@link TextResidualBlock}; width, heads and the stack's depth are required. */
  static final class Builder {
    private int width;
    private int heads;
    private int layers;

    private Builder() {}

    /** Width C of the residual stream. */
    Builder setWidth(int width) {
      this.width = width;
      return this;
    }

    /** Attention heads; they divide the width. */
    Builder setHeads(int heads) {
      this.heads = heads;
      return this;
    }

    /** Resblocks in the stack, which scales the output projections' initialisation. */
    Builder setLayers(int layers) {
      this.layers = layers;
      return this;
    }

    TextResidualBlock build() {
      if (width < 1 || heads < 1 || width % heads != 0) {
        throw new IllegalArgumentException(
            "width is " + width + " and heads " + heads + "; expected heads >= 1 dividing width");
      }
      if (layers < 1) {
        throw new IllegalArgumentException("layers is " + layers + "; expected at least 1");
      }
      return new TextResidualBlock(this);
    }
  }
}
