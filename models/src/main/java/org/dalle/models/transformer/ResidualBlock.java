package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dalle.models.nn.ParameterSpecs;

/**
 * A pre-LN transformer resblock (section 2.2 of the paper; GPT-2's layout):
 *
 * <pre>
 *   x ← x + attention(LN₁(x))      under this layer's mask
 *   x ← x + MLP(LN₂(x))            MLP = W₂·GELU(W₁·h + b₁) + b₂, 4·C wide inside
 * </pre>
 *
 * <p>For the paper's per-resblock gradient scaling (section 2.4, Figure 4) the residual branches
 * can carry a gradient scale {@code s}: the forward values are unchanged, the gradient entering the
 * branches in the backward pass is multiplied by {@code s} and the gradient leaving them towards
 * the identity path divided by {@code s} again, so the branch's parameter gradients come out
 * multiplied by {@code s} ({@link ResblockGradientScaler} decides {@code s}).
 *
 * <p>As a DJL block it takes {@code [x (B, T, C), bias (T, T)]}.
 */
final class ResidualBlock extends AbstractBlock {

  private static final byte VERSION = 1;
  private static final float LAYER_NORM_EPSILON = 1e-5f;

  private final TransformerConfig config;
  private final Parameter norm1Gain;
  private final Parameter norm1Shift;
  private final MaskedSelfAttention attention;
  private final Parameter norm2Gain;
  private final Parameter norm2Shift;
  private final Parameter fcWeight;
  private final Parameter fcBias;
  private final Parameter projWeight;
  private final Parameter projBias;

  ResidualBlock(TransformerConfig config, int layer) {
    super(VERSION);
    this.config = config;
    int width = config.dModel();
    int hidden = config.mlpWidth();
    float residualStd = TransformerParameters.INIT_STD / (float) Math.sqrt(2.0 * config.layers());
    norm1Gain = addParameter(ParameterSpecs.gain("norm1_gain", width));
    norm1Shift = addParameter(ParameterSpecs.shift("norm1_shift", width));
    attention =
        addChildBlock(
            "attention", MaskedSelfAttention.builder().setConfig(config).setLayer(layer).build());
    norm2Gain = addParameter(ParameterSpecs.gain("norm2_gain", width));
    norm2Shift = addParameter(ParameterSpecs.shift("norm2_shift", width));
    fcWeight =
        addParameter(
            ParameterSpecs.matrix("fc_weight", hidden, width, TransformerParameters.INIT_STD));
    fcBias = addParameter(ParameterSpecs.bias("fc_bias", hidden));
    projWeight = addParameter(ParameterSpecs.matrix("proj_weight", width, hidden, residualStd));
    projBias = addParameter(ParameterSpecs.bias("proj_bias", width));
  }

  AttentionMasks.Kind kind() {
    return attention.kind();
  }

  /**
   * The block over a whole (prefix of the) sequence.
   *
   * @param x {@code (B, T, C)}
   * @param mask this layer's mask
   * @param gradientScale the branches' gradient scale; 1 leaves the backward pass as it is
   * @return {@code (B, T, C)}
   */
  NDArray forward(
      ParameterStore store, NDArray x, LayerMask mask, boolean training, float gradientScale) {
    NDArray branchInput = GradientScaling.scale(x, 1f / gradientScale); // identity forward
    NDArray attended =
        attention.forward(store, norm(store, branchInput, norm1Gain, norm1Shift), mask, training);
    x = x.add(GradientScaling.scale(attended, gradientScale)); // (B, T, C)
    branchInput = GradientScaling.scale(x, 1f / gradientScale);
    NDArray mlp = mlp(store, norm(store, branchInput, norm2Gain, norm2Shift), training);
    return x.add(GradientScaling.scale(mlp, gradientScale)); // (B, T, C)
  }

  /** The block for positions {@code start..start+n-1}, reading and filling {@code cache}. */
  NDArray step(ParameterStore store, NDArray x, KvCache cache, int start, DecoderMasks masks) {
    NDArray h = norm(store, x, norm1Gain, norm1Shift);
    x = x.add(attention.step(store, h, cache, start, masks));
    return x.add(mlp(store, norm(store, x, norm2Gain, norm2Shift), false)); // (B, n, C)
  }

  /**
   * The block for the single position {@code position} on {@code (B, C)} states ({@link
   * MaskedSelfAttention#stepOne}).
   */
  NDArray stepOne(
      ParameterStore store, NDArray x, KvCache cache, int position, DecoderMasks masks) {
    NDArray h = norm(store, x, norm1Gain, norm1Shift);
    x = x.add(attention.stepOne(store, h, cache, position, masks));
    return x.add(mlp(store, norm(store, x, norm2Gain, norm2Shift), false)); // (B, C)
  }

  /** An empty key/value cache for this block's attention. */
  KvCache newCache(ParameterStore store, NDManager manager, int batch, int capacity) {
    return attention.newCache(store, manager, batch, capacity);
  }

  private NDArray norm(ParameterStore store, NDArray x, Parameter gain, Parameter shift) {
    NDArray gamma = store.getValue(gain, x.getDevice(), false);
    NDArray beta = store.getValue(shift, x.getDevice(), false);
    return LayerNorm.layerNorm(x, new Shape(config.dModel()), gamma, beta, LAYER_NORM_EPSILON)
        .head();
  }

  private NDArray mlp(ParameterStore store, NDArray h, boolean training) {
    NDArray w1 = store.getValue(fcWeight, h.getDevice(), false);
    NDArray b1 = store.getValue(fcBias, h.getDevice(), false);
    NDArray w2 = store.getValue(projWeight, h.getDevice(), false);
    NDArray b2 = store.getValue(projBias, h.getDevice(), false);
    NDArray hidden = Activation.gelu(Affine.apply(h, w1, b1)); // (B, T, 4C)
    NDArray out = Affine.apply(hidden, w2, b2); // (B, T, C)
    if (training && config.dropout() > 0) {
      out = Dropout.dropout(out, config.dropout(), true).head();
    }
    return out;
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
        forward(parameterStore, inputs.get(0), LayerMask.dense(inputs.get(1)), training, 1f));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    attention.initialize(manager, dataType, inputShapes);
  }
}
