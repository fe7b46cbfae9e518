package org.dalle.pipelines.io;

import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code name \t value} count lines that pipelines write next to their outputs, summed by name.
 * Rejections are counted under {@code rejected/<stage>/<reason>}.
 */
public record CountLines(Map<String, Long> counts) {
  private static final String REJECTED = "rejected/";

  public static CountLines parse(Iterable<String> lines) {
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
    return new CountLines(counts);
  }

  /** The count of {@code name}; 0 when nothing was counted under it. */
  public long get(String name) {
    return counts.getOrDefault(name, 0L);
  }

  public boolean has(String name) {
    return counts.containsKey(name);
  }

  /** Rejections by {@code stage/reason}. */
  public Map<String, Long> rejectedByReason() {
    Map<String, Long> byReason = new TreeMap<>();
    counts.forEach(
        (name, value) -> {
          if (name.startsWith(REJECTED)) {
            byReason.put(name.substring(REJECTED.length()), value);
          }
        });
    return byReason;
  }

  public long rejected() {
    return rejectedByReason().values().stream().mapToLong(Long::longValue).sum();
  }
}
