package org.dalle.evaluation.protocols;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What {@code dalle eval-features} computed, written as its {@code summary.json}: how many images
 * were read, used and rejected (by stage and reason; read = used + rejected), and per blur radius
 * the number of images, the feature dimension, the statistics file and the Inception Score.
 */
public record FeatureStatisticsSummary(
    String images,
    String features,
    long read,
    long used,
    Map<String, Long> rejected,
    List<Radius> radii,
    List<String> warnings) {

  /**
   * One radius of the sweep.
   *
   * @param radius the blur radius
   * @param images images whose features entered the statistics
   * @param dimension the feature dimension
   * @param statistics the {@code .npz} file name, relative to the output directory
   * @param inceptionScore the {@code .json} file name, or null without a classifier head
   * @param isMean the Inception Score's mean over the splits, when computed
   * @param isStd its standard deviation (ddof = 0), when computed
   */
  public record Radius(
      double radius,
      long images,
      int dimension,
      String statistics,
      String inceptionScore,
      OptionalDouble isMean,
      OptionalDouble isStd) {}

  public FeatureStatisticsSummary {
    rejected = Map.copyOf(rejected);
    radii = List.copyOf(radii);
    warnings = List.copyOf(warnings);
  }

  /** Totals from the {@code name \t value} lines the pipeline writes. */
  static Map<String, Long> parseCounts(List<String> lines) {
    Map<String, Long> counts = new TreeMap<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      int tab = line.lastIndexOf('\t');
      if (tab < 0) {
        throw new IllegalStateException("malformed count line '" + line + "'");
      }
      counts.merge(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)), Long::sum);
    }
    return counts;
  }

  /** The rejected counts among the count lines, by {@code <stage>/<reason>}. */
  static Map<String, Long> rejections(Map<String, Long> counts) {
    Map<String, Long> rejected = new TreeMap<>();
    for (Map.Entry<String, Long> entry : counts.entrySet()) {
      if (entry.getKey().startsWith("rejected/")) {
        rejected.put(entry.getKey().substring("rejected/".length()), entry.getValue());
      }
    }
    return rejected;
  }

  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }

  Map<String, Object> toJsonMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("images", images);
    map.put("features", features);
    map.put("read", read);
    map.put("used", used);
    map.put("rejected", rejectedTotal());
    map.put("rejected_by_reason", new TreeMap<>(rejected));
    List<Map<String, Object>> entries = new ArrayList<>();
    for (Radius r : radii) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("radius", r.radius());
      entry.put("images", r.images());
      entry.put("dimension", r.dimension());
      entry.put("statistics", r.statistics());
      entry.put("inception_score_file", r.inceptionScore());
      entry.put("inception_score_mean", r.isMean().isPresent() ? r.isMean().getAsDouble() : null);
      entry.put("inception_score_std", r.isStd().isPresent() ? r.isStd().getAsDouble() : null);
      entries.add(entry);
    }
    map.put("radii", entries);
    map.put("warnings", warnings);
    return map;
  }
}
