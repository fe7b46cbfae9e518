package org.dalle.evaluation.indomain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * The evaluator's training loss: for every head, the cross-entropy between the target distribution
 * ({@link SceneLabels#targets}) and the head's softmax, {@code −Σ_y t(y) log p(y|x)}, averaged over
 * the batch; the heads' losses are added.
 */
public final class HeadLoss {
  private HeadLoss() {}

  /**
   * @param logits (B, K) logits of all heads
   * @param targets (B, K) target distributions, each head's part summing to 1
   * @return the scalar loss, differentiable in {@code logits}
   */
  public static NDArray of(NDArray logits, NDArray targets, SceneLabels labels) {
    if (!logits.getShape().equals(targets.getShape())
        || logits.getShape().dimension() != 2
        || logits.getShape().get(1) != labels.classes()) {
      throw new IllegalArgumentException(
          "logits "
              + logits.getShape()
              + " and targets "
              + targets.getShape()
              + " must both be (B, "
              + labels.classes()
              + ")");
    }
    NDArray total = null;
    for (int h = 0; h < labels.heads().size(); h++) {
      NDIndex slice =
          new NDIndex(
              ":, {}:{}", labels.offset(h), labels.offset(h) + labels.heads().get(h).size());
      NDArray logP = logits.get(slice).logSoftmax(1); // (B, K_h)
      NDArray loss = targets.get(slice).mul(logP).sum(new int[] {1}).mean().neg(); // ()
      total = total == null ? loss : total.add(loss);
    }
    return total;
  }
}
