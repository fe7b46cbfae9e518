package org.dalle.jobs.transformer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import org.dalle.jobs.train.ModelTrainer;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Ema;
import org.dalle.models.transformer.BlockGradients;
import org.dalle.models.transformer.HalfPrecisionLoss;
import org.dalle.models.transformer.PriorLoss;
import org.dalle.models.transformer.ResblockGradientScaler;
import org.dalle.models.transformer.TransformerPrior;

/**
 * One optimisation step of the prior, in the two halves {@link org.dalle.jobs.train.TrainingLoop}
 * calls around its gradient reduction: loss and backward pass; then gradient checks, global-norm
 * clipping, AdamW update and EMA (section 2.4 and appendix B.1 of the paper).
 *
 * <p>In {@link Precision#FP16} every resblock's gradient is scaled by its own scale in the backward
 * pass, unscaled afterwards and checked; an update with a non-finite gradient anywhere is skipped
 * and the blocks that overflowed lower their scale ({@link ResblockGradientScaler}). In {@link
 * Precision#FP32} a non-finite loss or gradient stops the run with an error instead.
 */
final class PriorUpdate {

  /**
   * What one update did.
   *
   * @param loss the weighted loss, text 1/8 and image 7/8 in the paper
   * @param textLoss mean cross-entropy of the text tokens (nats)
   * @param imageLoss mean cross-entropy of the image tokens (nats)
   * @param gradNorm global gradient norm before clipping (unscaled)
   * @param applied false when the update was skipped for a non-finite gradient
   * @param minScale, maxScale the least and greatest resblock gradient scale used (1 in fp32)
   * @param learningRate the learning rate of the update
   */
  record Outcome(
      double loss,
      double textLoss,
      double imageLoss,
      double gradNorm,
      boolean applied,
      double minScale,
      double maxScale,
      double learningRate) {

    Outcome withLearningRate(double lr) {
      return new Outcome(loss, textLoss, imageLoss, gradNorm, applied, minScale, maxScale, lr);
    }
  }

  /**
   * A batch's losses after the backward pass, with the gradient scales it used.
   *
   * @param terms the weighted, text and image losses
   * @param scales each resblock's gradient scale; null in fp32
   */
  record Backward(PriorLoss terms, float[] scales) implements ModelTrainer.Pass {
    @Override
    public double loss() {
      return terms.total().getFloat();
    }
  }

  private final TransformerPrior model;
  private final ParameterList params;
  private final TrainTransformerConfig config;
  private final ResblockGradientScaler scaler;
  private final HalfPrecisionLoss half;

  PriorUpdate(TransformerPrior model, TrainTransformerConfig config) {
    this.model = model;
    this.params = model.getParameters();
    this.config = config;
    boolean fp16 = config.precision() == Precision.FP16;
    scaler = fp16 ? new ResblockGradientScaler(config.model().layers(), config.replicas()) : null;
    half = fp16 ? new HalfPrecisionLoss(model) : null;
  }

  /** The scaler's state for a checkpoint; empty in fp32. */
  double[] exportScaler() {
    return scaler == null ? new double[0] : scaler.exportState();
  }

  /** Restores a checkpointed scaler state. */
  void importScaler(double[] state) {
    if (scaler == null) {
      if (state.length != 0) {
        throw new IllegalArgumentException(
            "the checkpoint was trained with precision fp16; resume with --precision fp16");
      }
      return;
    }
    if (state.length == 0) {
      throw new IllegalArgumentException(
          "the checkpoint was trained with precision fp32; resume with --precision fp32");
    }
    scaler.importState(state);
  }

  /**
   * The forward and backward pass of a batch; in fp16 every resblock's gradient is scaled by its
   * scale.
   *
   * @param text {@code (B, L)} padded text ids
   * @param image {@code (B, N)} image codes
   */
  Backward backward(NDArray text, NDArray image) {
    float[] scales = scaler == null ? null : scaler.scalesAsFloats();
    PriorLoss loss;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      if (half != null) {
        loss = half.lossAndBackward(collector, text, image, scales);
      } else {
        loss = model.loss(text, image, true, null);
        collector.backward(loss.total());
      }
    }
    return new Backward(loss, scales);
  }

  /**
   * Unscales and checks the gradients of {@code pass}, clips them and updates the weights and the
   * EMA, unless the update is skipped.
   *
   * @param step updates before this one, for messages
   */
  Outcome apply(Backward pass, double lr, AdamW optimizer, Ema ema, long step) {
    float[] scales = pass.scales();
    PriorLoss loss = pass.terms();
    double total = loss.total().getFloat();
    double textLoss = loss.text().getFloat();
    double imageLoss = loss.image().getFloat();
    boolean blocksFinite = true;
    boolean[] finite = null;
    if (scaler != null) {
      finite = new boolean[scales.length];
      for (int layer = 1; layer <= scales.length; layer++) {
        finite[layer - 1] = BlockGradients.unscale(model.blockParameters(layer), scales[layer - 1]);
        blocksFinite &= finite[layer - 1];
      }
    }
    // The update runs outside the collector: in-place changes of recorded leaves fail. The
    // optimizer knows the norm over ranks when each holds only its shard of the gradients.
    double norm = optimizer.clipGradientNorm(params, config.gradientClip());
    boolean applied;
    if (scaler == null) {
      if (!Double.isFinite(total) || !Double.isFinite(norm)) {
        throw new IllegalStateException(
            String.format(
                "loss is %s and gradient norm %s at step %d; lower learning_rate or check the data",
                total, norm, step + 1));
      }
      applied = true;
    } else {
      // A non-finite gradient outside the resblocks (embeddings, heads) also skips the update.
      applied = scaler.update(finite) && blocksFinite && Double.isFinite(norm);
    }
    if (applied) {
      optimizer.update(params, lr);
      ema.update(params);
    }
    double min = 1;
    double max = 1;
    if (scales != null) {
      min = Double.POSITIVE_INFINITY;
      max = 0;
      for (float s : scales) {
        min = Math.min(min, s);
        max = Math.max(max, s);
      }
    }
    return new Outcome(total, textLoss, imageLoss, norm, applied, min, max, lr);
  }

  /** Whether updates with non-finite gradients are skipped (fp16) rather than an error (fp32). */
  boolean skipsNonFinite() {
    return scaler != null;
  }
}
