package org.dalle.models.transformer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The training loss with float16 resblocks, the paper's mixed precision (section 2.4): the residual
 * stream and the resblocks' matrices, biases and activations are float16, while the embeddings, the
 * layer-norm gains and shifts, the final norm and the output heads stay float32. Every parameter
 * keeps a float32 master copy, which the optimizer updates.
 *
 * <p>DJL casts outside autograd ({@code toType} runs without gradient), so the precision boundary
 * is crossed by hand:
 *
 * <ul>
 *   <li>each resblock matrix and bias is copied to a float16 leaf per step; after the backward pass
 *       its float16 gradient is added, as float32, to the master's gradient;
 *   <li>the float32 embedding output is copied to a float16 leaf; after the backward pass its
 *       gradient {@code g} is sent through the embeddings with a second backward pass of {@code Σ
 *       e·g};
 *   <li>the float16 output of the last resblock enters the float32 final norm through an addition
 *       of float32 zeros, which autograd does differentiate.
 * </ul>
 *
 * Per-resblock gradient scales ({@link ResblockGradientScaler}) apply as in float32; a float16
 * overflow shows as an infinite master gradient, which {@link BlockGradients#unscale} reports.
 */
public final class HalfPrecisionLoss {

  private final TransformerPrior model;
  private final Set<Parameter> halfParameters = Collections.newSetFromMap(new IdentityHashMap<>());

  /**
   * @param model an initialised prior with float32 parameters
   */
  public HalfPrecisionLoss(TransformerPrior model) {
    model.requireInitialized();
    this.model = model;
    for (int layer = 1; layer <= model.blocks().size(); layer++) {
      for (Parameter p : model.blockParameters(layer).values()) {
        if (p.getType() == Parameter.Type.WEIGHT || p.getType() == Parameter.Type.BIAS) {
          halfParameters.add(p);
        }
      }
    }
    materialiseGradients();
  }

  /**
   * The loss of a batch in training mode, with its backward pass run in {@code collector}; the
   * master parameters' gradients hold the (scaled) result.
   *
   * @param text padded text ids, {@code (B, L)}
   * @param image image codes, {@code (B, N)}
   * @param gradientScales one per resblock, or null for none
   */
  public PriorLoss lossAndBackward(
      GradientCollector collector, NDArray text, NDArray image, float[] gradientScales) {
    TransformerConfig config = model.config();
    List<ResidualBlock> blocks = model.blocks();
    NDManager caller = text.getManager();
    try (NDManager scope = caller.newSubManager()) {
      text.tempAttach(scope);
      image.tempAttach(scope);
      TokenChecks.checkBatch(config, text, image);
      ParameterStore full = new ParameterStore(scope, false);
      HalfStore half = new HalfStore(scope);
      NDArray tokens = // (B, T-1)
          text.toType(DataType.INT64, false)
              .concat(image.toType(DataType.INT64, false).get(":, :-1"), 1);
      int t = Math.toIntExact(tokens.getShape().get(1));
      NDArray embedded = model.embedding().embed(full, tokens, 0); // (B, T-1, C) float32
      if (config.dropout() > 0) {
        embedded = Dropout.dropout(embedded, config.dropout(), true).head();
      }
      NDArray start = embedded.stopGradient().toType(DataType.FLOAT16, false);
      start.setRequiresGradient(true);
      NDArray x = start; // (B, T-1, C) float16
      Map<AttentionMasks.Kind, LayerMask> masks = new EnumMap<>(AttentionMasks.Kind.class);
      for (int i = 0; i < blocks.size(); i++) {
        ResidualBlock block = blocks.get(i);
        LayerMask mask =
            masks.computeIfAbsent(
                block.kind(), kind -> model.biases().mask(kind, t, DataType.FLOAT16, scope));
        float scale = gradientScales == null ? 1f : gradientScales[i];
        x = block.forward(half, x, mask, true, scale); // (B, T-1, C) float16
      }
      NDArray widened = x.add(scope.zeros(x.getShape(), DataType.FLOAT32)); // differentiable
      PriorLogits logits = model.heads(full, model.finalNorm(full, widened));
      PriorLoss loss =
          PriorLoss.of(
              logits, text.get(":, 1:"), image, config.textLossWeight(), config.imageLossWeight());
      collector.backward(loss.total());
      NDArray startGradient = start.getGradient().toType(DataType.FLOAT32, false);
      collector.backward(embedded.mul(startGradient).sum());
      half.addGradientsToMasters();
      new NDList(loss.total(), loss.text(), loss.image()).attach(caller);
      return loss;
    }
  }

  /**
   * Gives every master that only float16 copies feed a defined gradient (zeros): until a backward
   * pass reaches a parameter, the engine hands out a detached zero array as its gradient, and
   * additions into it would be lost.
   */
  private void materialiseGradients() {
    try (NDManager scope = NDManager.newBaseManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray sum = null;
      for (Parameter p : halfParameters) {
        NDArray master = p.getArray();
        master.tempAttach(scope);
        NDArray term = master.sum().mul(scope.zeros(new Shape()));
        sum = sum == null ? term : sum.add(term);
      }
      if (sum != null) {
        collector.backward(sum);
      }
    }
  }

  /** Hands out float16 leaf copies of the resblock matrices and biases, float32 for the rest. */
  private final class HalfStore extends ParameterStore {
    private final NDManager scope;
    private final Map<Parameter, NDArray> copies = new IdentityHashMap<>();

    HalfStore(NDManager scope) {
      super(scope, false);
      this.scope = scope;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
      if (!halfParameters.contains(parameter)) {
        return super.getValue(parameter, device, training);
      }
      return copies.computeIfAbsent(
          parameter,
          p -> {
            NDArray master = p.getArray();
            NDArray copy = master.toType(DataType.FLOAT16, true);
            copy.attach(scope);
            copy.setRequiresGradient(true);
            return copy;
          });
    }

    /** Adds each copy's gradient, widened to float32, to its master's gradient. */
    void addGradientsToMasters() {
      for (Map.Entry<Parameter, NDArray> entry : copies.entrySet()) {
        NDArray master = entry.getKey().getArray();
        try (NDManager step = NDManager.subManagerOf(master)) {
          master.tempAttach(step);
          NDArray gradient = entry.getValue().getGradient();
          gradient.attach(step);
          master.getGradient().addi(gradient.toType(DataType.FLOAT32, false));
        }
      }
    }
  }
}
