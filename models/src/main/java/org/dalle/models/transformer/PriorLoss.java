package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.dalle.models.nn.Scale;

/**
 * The prior's training loss (section 2.2 of the paper): the cross-entropy of the text tokens and of
 * the image tokens, each averaged over the tokens of its kind in the batch, then weighted (1/8 and
 * 7/8 in the paper) and summed.
 *
 * @param total {@code textWeight · text + imageWeight · image}, a scalar
 * @param text mean cross-entropy of the text tokens, in nats
 * @param image mean cross-entropy of the image tokens, in nats
 */
public record PriorLoss(NDArray total, NDArray text, NDArray image) {

  /**
   * The weighted loss of {@code logits} against the tokens they predict.
   *
   * @param textTargets the text tokens 1..L-1, {@code (B, L-1)}
   * @param imageTargets the image tokens, {@code (B, N)}
   */
  public static PriorLoss of(
      PriorLogits logits,
      NDArray textTargets,
      NDArray imageTargets,
      float textWeight,
      float imageWeight) {
    NDArray text = crossEntropy(logits.text(), textTargets);
    NDArray image = crossEntropy(logits.image(), imageTargets);
    NDArray total = Scale.by(text, textWeight).add(Scale.by(image, imageWeight));
    return new PriorLoss(total, text, image);
  }

  /**
   * Mean of {@code −log softmax(logits)[target]} over every position, in float32.
   *
   * @param logits {@code (B, T, V)}
   * @param targets integer classes in [0, V), {@code (B, T)}
   */
  public static NDArray crossEntropy(NDArray logits, NDArray targets) {
    if (logits.getShape().dimension() != 3
        || targets.getShape().dimension() != 2
        || logits.getShape().get(0) != targets.getShape().get(0)
        || logits.getShape().get(1) != targets.getShape().get(1)) {
      throw new IllegalArgumentException(
          "logits are "
              + logits.getShape()
              + " and targets "
              + targets.getShape()
              + "; expected (B, T, V) and (B, T)");
    }
    NDArray logProbabilities = logits.toType(DataType.FLOAT32, false).logSoftmax(-1); // (B, T, V)
    NDArray index = targets.toType(DataType.INT64, false).expandDims(-1); // (B, T, 1)
    return logProbabilities.gather(index, -1).mean().neg(); // ()
  }
}
