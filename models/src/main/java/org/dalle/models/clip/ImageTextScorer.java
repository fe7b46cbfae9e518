package org.dalle.models.clip;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Scores how well each image matches its caption, for the contrastive reranking of section 2.5 of
 * the paper: the sampler draws N candidates per caption and keeps those this scorer ranks highest.
 * Higher scores mean better matches; scores are comparable between images of the same caption.
 *
 * <p>Implementations are the project's own contrastive model ({@code dalle train-clip}) and an
 * external TorchScript CLIP-style module with {@code encode_image} / {@code encode_text}.
 */
public interface ImageTextScorer extends AutoCloseable {

  /**
   * Scores {@code N} (image, caption) pairs.
   *
   * @param images channel-major RGB in [0, 1], shape (N, 3, S, S) for any side S; implementations
   *     resize to their own input size
   * @param captions the raw caption of each image, {@code N} of them; implementations normalise and
   *     tokenise them as they were trained
   * @return {@code N} scores, higher is better
   * @throws IllegalArgumentException when the counts differ or the images are not (N, 3, S, S)
   */
  float[] score(NDArray images, List<String> captions);

  /** A short description for logs and output manifests, such as the model path and kind. */
  String describe();

  @Override
  void close();
}
