package org.dalle.pipelines.encode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counts of one encode run, built from the pipeline's {@code name \t value} count lines, with
 * the bookkeeping invariant {@code read = written + rejected} checked.
 *
 * @param rejectedByReason rejections by {@code stage/reason}
 */
public record EncodeSummary(
    long read, long written, long rejected, Map<String, Long> rejectedByReason, int gridSize) {

  /** Parses the count lines of {@link EncodeImagesToTokens#COUNTS}. */
  public static EncodeSummary fromCountLines(Iterable<String> lines, int gridSize) {
    Map<String, Long> counts = new TreeMap<>();
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      int tab = line.lastIndexOf('\t');
      if (tab < 0) {
        throw new IllegalArgumentException(
            "malformed count line, expected 'name<TAB>value': " + line);
      }
      counts.merge(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)), Long::sum);
    }
    Map<String, Long> byReason = new TreeMap<>();
    long rejected = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getKey().startsWith("rejected/")) {
        byReason.put(e.getKey().substring("rejected/".length()), e.getValue());
        rejected += e.getValue();
      }
    }
    EncodeSummary summary =
        new EncodeSummary(
            counts.getOrDefault("read", 0L),
            counts.getOrDefault("written", 0L),
            rejected,
            byReason,
            gridSize);
    summary.checkInvariant();
    return summary;
  }

  /** Fails when a record was lost or counted twice: that is a bug, never a data problem. */
  public void checkInvariant() {
    if (read != written + rejected) {
      throw new IllegalStateException(
          String.format(
              "encode lost records: read %d but written %d + rejected %d = %d",
              read, written, rejected, written + rejected));
    }
  }

  /** The content of {@code summary.json}. */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("read", read);
    json.put("written", written);
    json.put("rejected", rejected);
    json.put("rejected_by_reason", rejectedByReason);
    json.put("grid_size", gridSize);
    return json;
  }
}
