package org.dalle.evaluation.protocols;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.dalle.evaluation.features.FeatureNetworks;
import org.dalle.evaluation.metrics.InceptionScore;

/**
 * What {@code dalle eval-features} computes. Immutable; {@link #validate()} rejects settings that
 * make no sense before any work starts.
 *
 * @param images the images, an {@link ImageInput} spec ({@code folder:DIR}, {@code list:FILE},
 *     {@code avro:GLOB})
 * @param features the feature network, a {@link FeatureNetworks} spec ({@code
 *     torchscript:PATH[@SIZE]})
 * @param out output directory (local or any Beam file system)
 * @param blur the Gaussian blur radii, each giving its own statistics (paper: 0, 1, …, 8)
 * @param batchSize images per forward pass of the network
 * @param squareSize when above 0, every image is resized (shorter side) and centre-cropped to this
 *     square before the blur, as the prepare stage does, so real images and 256 × 256 samples are
 *     blurred at the same scale; 0 keeps the images as they are
 * @param splits parts of the Inception Score (paper and original code: 10)
 * @param threads PyTorch intra-op threads per worker JVM; 0 keeps the engine's default
 * @param shuffleBuckets random keys the image paths are spread over before reading (0: one per
 *     image); a few times the number of worker threads
 */
public record EvalFeaturesConfig(
    String images,
    String features,
    String out,
    List<Double> blur,
    int batchSize,
    int squareSize,
    int splits,
    int threads,
    int shuffleBuckets)
    implements Serializable {

  public EvalFeaturesConfig {
    blur = blur == null ? List.of() : List.copyOf(blur);
  }

  /**
   * The defaults of {@code dalle eval-features} for everything but the inputs and the output: the
   * paper's radii 0..8, batches of 32, images squared to 256 (the samples' size), 10 splits.
   */
  public static EvalFeaturesConfig of(String images, String features, String out) {
    return new EvalFeaturesConfig(
        images,
        features,
        out,
        BlurRadii.parse(BlurRadii.DEFAULT),
        32,
        256,
        InceptionScore.DEFAULT_SPLITS,
        1,
        64);
  }

  /** Fails with every problem found, each naming the bad value and what was expected. */
  public EvalFeaturesConfig validate() {
    List<String> problems = new ArrayList<>();
    check(problems, () -> ImageInput.parse(images));
    check(problems, () -> FeatureNetworks.parse(features));
    if (out == null || out.isBlank()) {
      problems.add("no output directory: give --out DIR");
    }
    if (blur.isEmpty()) {
      problems.add("no blur radius: give e.g. --blur " + BlurRadii.DEFAULT);
    } else {
      check(
          problems,
          () -> BlurRadii.parse(String.join(",", blur.stream().map(String::valueOf).toList())));
    }
    if (batchSize < 1 || batchSize > 4096) {
      problems.add("batch size must be in [1, 4096], got " + batchSize);
    }
    if (squareSize != 0 && (squareSize < 8 || squareSize > 4096)) {
      problems.add("square size must be 0 (keep the images) or in [8, 4096], got " + squareSize);
    }
    if (splits < 1) {
      problems.add("Inception Score splits must be at least 1, got " + splits);
    }
    if (threads < 0) {
      problems.add("threads must be >= 0 (0 keeps the engine's default), got " + threads);
    }
    if (shuffleBuckets < 0) {
      problems.add("shuffle buckets must be >= 0 (0: one per image), got " + shuffleBuckets);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid eval-features settings:\n  - " + String.join("\n  - ", problems));
    }
    return this;
  }

  private static void check(List<String> problems, Runnable parse) {
    try {
      parse.run();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }
}
