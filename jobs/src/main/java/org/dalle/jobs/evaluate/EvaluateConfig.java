package org.dalle.jobs.evaluate;

import java.util.ArrayList;
import java.util.List;
import org.dalle.evaluation.features.FeatureNetworks;
import org.dalle.evaluation.metrics.InceptionScore;
import org.dalle.evaluation.protocols.BlurRadii;
import org.dalle.evaluation.protocols.ImageInput;

/**
 * What {@code dalle evaluate} computes.
 *
 * @param samples the output directory of {@code dalle sample} ({@code samples.avro} or {@code
 *     samples/*.avro}, grids, {@code run.json})
 * @param reference the real images, an image spec of {@code dalle eval-features} ({@code
 *     folder:DIR}, {@code list:FILE}, {@code avro:GLOB})
 * @param features the feature network spec ({@code torchscript:PATH[@SIZE]} for Inception-v3, or
 *     {@code evaluator:DIR} for the network of {@code dalle train-evaluator})
 * @param captions caption facts for the compositional benchmark (JSONL with attributes, or the
 *     synthetic data's CaptionedImage Avro), or null to skip it
 * @param dvaeRun a {@code dalle train-dvae} run directory whose reconstruction check ({@code
 *     reconstruction_check.json} and {@code .png}) the report shows, or null to leave it out
 * @param protocol a name for the figures in {@code metrics.json}, e.g. {@code synthetic-heldout}
 * @param blur the blur radii (paper: 0..8)
 * @param squareSize the square side both sides are resized to before the blur, 0 to keep sizes
 * @param batchSize images per forward pass of the feature network
 * @param splits Inception Score splits (paper: 10)
 * @param out the report directory
 */
public record EvaluateConfig(
    String samples,
    String reference,
    String features,
    String captions,
    String dvaeRun,
    String protocol,
    List<Double> blur,
    int squareSize,
    int batchSize,
    int splits,
    String out) {

  public EvaluateConfig {
    blur = blur == null ? List.of() : List.copyOf(blur);
  }

  /** The defaults of {@code dalle evaluate} before a config file and flags: the paper's radii. */
  public static EvaluateConfig defaults() {
    return new EvaluateConfig(
        "",
        "",
        "",
        null,
        null,
        "custom",
        BlurRadii.parse(BlurRadii.DEFAULT),
        0,
        32,
        InceptionScore.DEFAULT_SPLITS,
        "");
  }

  /** Fails with every problem found, each naming the bad value and what was expected. */
  public EvaluateConfig validate() {
    List<String> problems = new ArrayList<>();
    if (samples == null || samples.isBlank()) {
      problems.add("no samples: give --samples DIR, the output directory of dalle sample");
    }
    try {
      ImageInput.parse(reference);
    } catch (IllegalArgumentException e) {
      problems.add("--reference: " + e.getMessage());
    }
    try {
      FeatureNetworks.parse(features);
    } catch (IllegalArgumentException e) {
      problems.add("--features: " + e.getMessage());
    }
    if (protocol == null || !protocol.matches("[A-Za-z0-9._-]+")) {
      problems.add("protocol is '" + protocol + "'; expected letters, digits, '.', '_' or '-'");
    }
    if (blur.isEmpty()) {
      problems.add("no blur radius: give e.g. --blur " + BlurRadii.DEFAULT);
    }
    if (squareSize != 0 && (squareSize < 8 || squareSize > 4096)) {
      problems.add("square size must be 0 (keep the images) or in [8, 4096], got " + squareSize);
    }
    if (batchSize < 1 || batchSize > 4096) {
      problems.add("batch size must be in [1, 4096], got " + batchSize);
    }
    if (splits < 1) {
      problems.add("Inception Score splits must be at least 1, got " + splits);
    }
    if (out == null || out.isBlank()) {
      problems.add("no output directory: give --out DIR");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return this;
  }
}
