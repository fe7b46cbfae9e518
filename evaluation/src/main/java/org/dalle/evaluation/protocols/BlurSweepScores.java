package org.dalle.evaluation.protocols;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.dalle.evaluation.metrics.FeatureStatistics;
import org.dalle.evaluation.metrics.FrechetDistance;
import org.dalle.evaluation.numpy.NpzStatistics;

/**
 * FID and IS against blur radius (DALL·E paper, figure 9): from two outputs of {@code dalle
 * eval-features} — the real images and the samples, blurred with the same radii — the Fréchet
 * distance between their statistics at each radius both have, and each side's Inception Score.
 */
public final class BlurSweepScores {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The scores at one radius.
   *
   * @param radius the Gaussian blur radius
   * @param fid the FID between the reference and generated statistics
   * @param referenceImages images behind the reference statistics
   * @param generatedImages images behind the generated statistics
   * @param referenceIs the reference images' Inception Score, when the network has logits
   * @param generatedIs the samples' Inception Score, when the network has logits
   */
  public record RadiusScores(
      double radius,
      double fid,
      long referenceImages,
      long generatedImages,
      Score referenceIs,
      Score generatedIs) {}

  /** An Inception Score: mean and standard deviation over the splits, empty when not computed. */
  public record Score(OptionalDouble mean, OptionalDouble std) {
    static final Score NONE = new Score(OptionalDouble.empty(), OptionalDouble.empty());
  }

  /**
   * FID and IS per radius, in the generated side's radius order.
   *
   * @param referenceFeatures the feature network the reference statistics came from
   * @param generatedFeatures the one the generated statistics came from
   * @param warnings things the reader should know: radii missing on one side, different networks,
   *     rank-deficient covariances, skipped Inception Scores
   */
  public record Result(
      Path reference,
      Path generated,
      String referenceFeatures,
      String generatedFeatures,
      List<RadiusScores> radii,
      List<String> warnings) {
    public Result {
      radii = List.copyOf(radii);
      warnings = List.copyOf(warnings);
    }
  }

  private BlurSweepScores() {}

  /**
   * @param reference an eval-features output directory of the real images
   * @param generated one of the samples
   * @throws IllegalArgumentException when a directory is not a complete eval-features output, the
   *     two share no radius, or their feature dimensions differ
   */
  public static Result compute(Path reference, Path generated) throws IOException {
    Side real = Side.read(reference);
    Side fake = Side.read(generated);
    List<String> warnings = new ArrayList<>(real.warnings());
    warnings.addAll(fake.warnings());
    if (!real.features().equals(fake.features())) {
      warnings.add(
          "the two sides name different feature networks ("
              + real.features()
              + " and "
              + fake.features()
              + "); FIDs are only comparable from the same network");
    }
    List<RadiusScores> scores = new ArrayList<>();
    for (Map.Entry<Double, JsonNode> entry : fake.radii().entrySet()) {
      JsonNode realRadius = real.radii().get(entry.getKey());
      if (realRadius == null) {
        warnings.add(
            "radius " + BlurRadii.label(entry.getKey()) + " has no reference statistics; skipped");
        continue;
      }
      JsonNode fakeRadius = entry.getValue();
      FeatureStatistics a =
          NpzStatistics.read(reference.resolve(realRadius.get("statistics").asText()));
      FeatureStatistics b =
          NpzStatistics.read(generated.resolve(fakeRadius.get("statistics").asText()));
      double fid;
      try {
        fid = FrechetDistance.between(a, b);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "radius " + BlurRadii.label(entry.getKey()) + ": " + e.getMessage(), e);
      }
      scores.add(
          new RadiusScores(
              entry.getKey(),
              fid,
              realRadius.path("images").asLong(),
              fakeRadius.path("images").asLong(),
              score(realRadius),
              score(fakeRadius)));
    }
    for (Double radius : real.radii().keySet()) {
      if (!fake.radii().containsKey(radius)) {
        warnings.add("radius " + BlurRadii.label(radius) + " has no generated statistics; skipped");
      }
    }
    if (scores.isEmpty()) {
      throw new IllegalArgumentException(
          reference
              + " and "
              + generated
              + " share no blur radius; run eval-features on both"
              + " with the same --blur");
    }
    return new Result(reference, generated, real.features(), fake.features(), scores, warnings);
  }

  private static Score score(JsonNode radius) {
    JsonNode mean = radius.path("inception_score_mean");
    JsonNode std = radius.path("inception_score_std");
    return mean.isNumber() && std.isNumber()
        ? new Score(OptionalDouble.of(mean.asDouble()), OptionalDouble.of(std.asDouble()))
        : Score.NONE;
  }

  /** One eval-features output: its network, radii (by value) and warnings. */
  private record Side(String features, Map<Double, JsonNode> radii, List<String> warnings) {
    static Side read(Path dir) throws IOException {
      Path summary = dir.resolve(FeatureStatisticsPipeline.MARKER);
      if (!Files.isRegularFile(summary)) {
        throw new IllegalArgumentException(
            dir
                + " is not a complete dalle eval-features output (no "
                + summary.getFileName()
                + "); run dalle eval-features --out "
                + dir
                + " first");
      }
      JsonNode json = JSON.readTree(summary.toFile());
      Map<Double, JsonNode> radii = new LinkedHashMap<>();
      for (JsonNode radius : json.path("radii")) {
        radii.put(radius.path("radius").asDouble(), radius);
      }
      List<String> warnings = new ArrayList<>();
      for (JsonNode warning : json.path("warnings")) {
        warnings.add(dir + ": " + warning.asText());
      }
      return new Side(json.path("features").asText(), radii, warnings);
    }
  }
}
