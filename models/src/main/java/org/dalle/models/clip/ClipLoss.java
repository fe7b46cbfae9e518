package org.dalle.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Objects;
import org.dalle.models.nn.Scale;

/**
 * The symmetric InfoNCE loss of CLIP (Radford et al. 2021, Figure 3), which the contrastive
 * reranker of section 2.5 of the paper is trained with. For a batch of B (image, caption) pairs
 * with L2-normalised embeddings I and T and logit scale s = exp(t):
 *
 * <pre>
 *   logits = s · I · Tᵀ                                       (B, B)
 *   loss   = ½ · (CE_rows(logits, Y) + CE_rows(logitsᵀ, Yᵀ))
 *   CE_rows(z, Y) = −(1/B) · Σ_i Σ_j Y_ij · log softmax(z_i)_j
 * </pre>
 *
 * where {@code Y} is the identity in CLIP. Here {@code Y} may spread a row over every pair with the
 * same caption ({@link #sameCaptionTargets}): a small dataset repeats captions within a batch, and
 * the identity would push an image away from its own caption written on another example.
 *
 * @param total the loss, a scalar
 * @param imageToText the image→text cross-entropy (rows), a scalar
 * @param textToImage the text→image cross-entropy (columns), a scalar
 * @param logits the scaled similarities, {@code (B, B)}: row i is image i against every caption
 */
public record ClipLoss(NDArray total, NDArray imageToText, NDArray textToImage, NDArray logits) {

  /**
   * The loss of one batch.
   *
   * @param images L2-normalised image embeddings, {@code (B, E)}
   * @param texts L2-normalised text embeddings, {@code (B, E)}
   * @param logitScale s = exp(t), a scalar or {@code (1)}
   * @param targets rows summing to 1, symmetric, {@code (B, B)}
   */
  public static ClipLoss of(NDArray images, NDArray texts, NDArray logitScale, NDArray targets) {
    return withNegatives(images, texts, null, logitScale, targets);
  }

  /**
   * The loss of one batch with K extra negative captions (NegCLIP, Yuksekgonul et al. 2023): each
   * image's row of logits also holds the K negatives, which match no image, so the image→text term
   * is a softmax over B + K captions; the text→image term is over the B images, as in {@link #of}.
   * With K = 0 it is {@link #of}. {@link #logits()} stays the {@code (B, B)} block of the pairs.
   *
   * @param negatives L2-normalised embeddings of the negative captions, {@code (K, E)}; null for
   *     none
   */
  public static ClipLoss withNegatives(
      NDArray images, NDArray texts, NDArray negatives, NDArray logitScale, NDArray targets) {
    Shape shape = images.getShape();
    long batch = shape.get(0);
    Shape square = new Shape(batch, batch);
    if (shape.dimension() != 2
        || !texts.getShape().equals(shape)
        || !targets.getShape().equals(square)) {
      throw new IllegalArgumentException(
          String.format(
              "embeddings are %s and %s, targets %s; expected (B, E), (B, E) and (B, B)",
              shape, texts.getShape(), targets.getShape()));
    }
    long k = negatives == null ? 0 : negatives.getShape().get(0);
    if (k > 0
        && (negatives.getShape().dimension() != 2 || negatives.getShape().get(1) != shape.get(1))) {
      throw new IllegalArgumentException(
          String.format(
              "negative embeddings are %s, images %s; expected (K, E) with the images' E",
              negatives.getShape(), shape));
    }
    NDArray logits = images.matMul(texts.transpose()).mul(logitScale); // (B, B)
    NDArray rows = logits;
    NDArray rowTargets = targets;
    if (k > 0) {
      rows = logits.concat(images.matMul(negatives.transpose()).mul(logitScale), 1); // (B, B + K)
      rowTargets = targets.concat(targets.getManager().zeros(new Shape(batch, k)), 1);
    }
    NDArray imageToText = crossEntropy(rows, rowTargets);
    NDArray textToImage = crossEntropy(logits.transpose(), targets.transpose());
    NDArray total = Scale.by(imageToText.add(textToImage), 0.5f);
    return new ClipLoss(total, imageToText, textToImage, logits);
  }

  /**
   * Targets that share each row's mass among the pairs with an equal key (the caption's tokens):
   * {@code Y_ij = [k_i = k_j] / #{j : k_j = k_i}}. With distinct keys it is the identity.
   *
   * @return {@code B·B} values, row-major
   */
  public static float[] sameCaptionTargets(List<?> keys) {
    int n = keys.size();
    float[] targets = new float[n * n];
    for (int i = 0; i < n; i++) {
      int matches = 0;
      for (int j = 0; j < n; j++) {
        if (Objects.equals(keys.get(i), keys.get(j))) {
          matches++;
        }
      }
      for (int j = 0; j < n; j++) {
        if (Objects.equals(keys.get(i), keys.get(j))) {
          targets[i * n + j] = 1f / matches;
        }
      }
    }
    return targets;
  }

  /** {@code −mean_i Σ_j Y_ij · log softmax(z_i)_j}, a scalar. */
  private static NDArray crossEntropy(NDArray logits, NDArray targets) {
    return logits.logSoftmax(1).mul(targets).sum(new int[] {1}).mean().neg();
  }
}
