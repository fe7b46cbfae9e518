package org.dalle.pipelines.encode;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dalle.pipelines.io.CountLines;

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
    CountLines counts = CountLines.parse(lines);
    EncodeSummary summary =
        new EncodeSummary(
            counts.get("read"),
            counts.get("written"),
            counts.rejected(),
            counts.rejectedByReason(),
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
