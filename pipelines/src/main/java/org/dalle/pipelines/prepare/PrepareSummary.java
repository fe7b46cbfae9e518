package org.dalle.pipelines.prepare;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

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
    long unique = get(counts, "unique");
    long written = get(counts, "written");
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
      if (counts.containsKey(name)) {
        evaluation.put(name.replaceFirst("^eval_", ""), counts.get(name));
      }
    }
    PrepareSummary summary =
        new PrepareSummary(
            get(counts, "examples") + get(counts, "source_rejected"),
            written,
            rejected,
            byReason,
            get(counts, "exact_duplicates"),
            unique - written,
            get(counts, "captions_truncated"),
            evaluation);
    summary.checkInvariant();
    return summary;
  }

  private static long get(Map<String, Long> counts, String name) {
    return counts.getOrDefault(name, 0L);
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
}
