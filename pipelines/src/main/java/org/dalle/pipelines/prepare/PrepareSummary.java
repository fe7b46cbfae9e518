package org.dalle.pipelines.prepare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dalle.pipelines.io.CountLines;

/**
 * The counts of one prepare run, built from the pipeline's {@code name \t value} count lines.
 * Checks the bookkeeping invariant {@code read = written + rejected + exact_duplicates +
 * near_duplicates}: every record read is accounted for.
 */
public record PrepareSummary(
    long read,
    long written,
    long rejected,
    Map<String, Long> rejectedByReason,
    long exactDuplicates,
    long nearDuplicates,
    long captionsTruncated,
    Map<String, Long> evaluation) {

  public static PrepareSummary fromCountLines(Iterable<String> lines) {
    CountLines counts = CountLines.parse(lines);
    long written = counts.get("written");
    Map<String, Long> evaluation = new LinkedHashMap<>();
    for (String name :
        new String[] {
          "eval_examples",
          "eval_source_rejected",
          "eval_hashed",
          "eval_rejected",
          "eval_overlap",
          "near_duplicate_pairs"
        }) {
      if (counts.has(name)) {
        evaluation.put(name.replaceFirst("^eval_", ""), counts.get(name));
      }
    }
    PrepareSummary summary =
        new PrepareSummary(
            counts.get("examples") + counts.get("source_rejected"),
            written,
            counts.rejected(),
            counts.rejectedByReason(),
            counts.get("exact_duplicates"),
            counts.get("unique") - written,
            counts.get("captions_truncated"),
            evaluation);
    summary.checkInvariant();
    return summary;
  }

  /**
   * The summary of a run that wrote every record it read, for tests and tools that build a prepared
   * folder without the pipeline.
   */
  public static PrepareSummary allWritten(long written) {
    return new PrepareSummary(written, written, 0, Map.of(), 0, 0, 0, Map.of());
  }

  /** Fails when a record was lost or counted twice: that is a bug, never a data problem. */
  public void checkInvariant() {
    long accounted = written + rejected + exactDuplicates + nearDuplicates;
    if (read != accounted) {
      throw new IllegalStateException(
          "prepare lost track of records: read "
              + read
              + " but written "
              + written
              + " + rejected "
              + rejected
              + " + exact duplicates "
              + exactDuplicates
              + " + near duplicates "
              + nearDuplicates
              + " = "
              + accounted);
    }
  }

  /** The {@code summary.json} object. */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("read", read);
    json.put("written", written);
    json.put("rejected", rejected);
    json.put("rejected_by_reason", rejectedByReason);
    json.put("exact_duplicates", exactDuplicates);
    json.put("near_duplicates_of_evaluation_set", nearDuplicates);
    json.put("captions_truncated", captionsTruncated);
    if (!evaluation.isEmpty()) {
      json.put("evaluation_set", evaluation);
    }
    json.put("invariant", "read = written + rejected + exact_duplicates + near_duplicates");
    return json;
  }

  /** The text of {@code summary.json}, as {@link PreparePipeline} commits it. */
  public String toJson() {
    return PreparePipeline.toJson(toJsonMap());
  }

  /**
   * Writes {@code summary.json} into a local prepared folder, the file whose presence marks the
   * folder complete.
   */
  public void writeTo(Path folder) throws IOException {
    Files.writeString(folder.resolve(PreparedData.SUMMARY), toJson(), StandardCharsets.UTF_8);
  }
}
