package org.dalle.evaluation.features;

import java.awt.image.BufferedImage;
import java.util.List;
import org.dalle.evaluation.metrics.FeatureMatrix;

/**
 * A network that turns images into feature vectors for the Fréchet distance and, when it has a
 * classifier head, into class logits for the Inception Score. Implementations: the Inception-v3
 * TorchScript export ({@link TorchScriptFeatureNetwork}) and the in-domain evaluator the project
 * trains on the synthetic data ({@code dalle train-evaluator}).
 */
public interface FeatureNetwork extends AutoCloseable {

  /**
   * What one forward pass gives.
   *
   * @param features one row per image, in the order given
   * @param logits class logits, one row per image, or {@code null} when the network has no
   *     classifier head (then no Inception Score can be computed)
   */
  record Outputs(FeatureMatrix features, FeatureMatrix logits) {}

  /** Features (and logits when available) of the images, one row each, in the order given. */
  Outputs forward(List<BufferedImage> images);

  /** Whether {@link #forward} returns logits. */
  boolean hasLogits();

  /** A short description for logs and {@code metrics.json}, such as the model path and kind. */
  String describe();

  @Override
  void close();
}
