package org.dalle.evaluation.fid;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code dalle fid} compares and how.
 *
 * @param a first input (statistics, features or images)
 * @param b second input
 * @param features TorchScript feature network, or the export directory of {@code dalle
 *     train-evaluator}, needed when an input is a folder of images
 * @param inputSize side the images are resized to for the network (299 for Inception-v3)
 * @param batchSize images per forward pass
 * @param blurRadius Gaussian blur radius applied to images from folders (0: none)
 * @param allowRankDeficient accept fewer images than feature dimensions, with a warning
 * @param saveA where to write the statistics of {@code a} as .npz, if wanted
 * @param saveB the same for {@code b}
 */
public record FidConfig(
    Path a,
    Path b,
    Optional<Path> features,
    int inputSize,
    int batchSize,
    double blurRadius,
    boolean allowRankDeficient,
    Optional<Path> saveA,
    Optional<Path> saveB) {

  /**
   * @throws IllegalArgumentException naming the first bad value
   */
  public FidConfig validate() {
    if (inputSize < 1) {
      throw new IllegalArgumentException("input size must be at least 1 but was " + inputSize);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1 but was " + batchSize);
    }
    if (!(blurRadius >= 0) || Double.isInfinite(blurRadius)) {
      throw new IllegalArgumentException("blur radius must be >= 0 but was " + blurRadius);
    }
    for (Optional<Path> save : java.util.List.of(saveA, saveB)) {
      if (save.isPresent() && !save.get().toString().endsWith(".npz")) {
        throw new IllegalArgumentException(
            "statistics are saved as .npz, but the output is " + save.get());
      }
    }
    return this;
  }
}
