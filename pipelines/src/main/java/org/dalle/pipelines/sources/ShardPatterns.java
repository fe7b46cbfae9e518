package org.dalle.pipelines.sources;

import java.util.ArrayList;
import java.util.List;

/**
 * Expands the brace notation of WebDataset shard lists into plain file patterns: {@code {000..099}}
 * is the numbers 000 to 099 (zero-padded like the bounds) and {@code {a,b}} is a list of
 * alternatives; several groups multiply. Beam's file systems disagree on braces (local globs accept
 * {@code {a,b}}, gs:// treats braces literally, none knows {@code ..}), so they are expanded here
 * and every resulting pattern, which may still hold {@code *} or {@code ?}, is matched.
 */
final class ShardPatterns {
  /** Upper bound on expanded patterns, so a typo such as {0..99999999} fails fast. */
  static final int MAX_PATTERNS = 100_000;

  private ShardPatterns() {}

  /** All patterns {@code spec} denotes, in order. */
  static List<String> expand(String spec) {
    int open = spec.indexOf('{');
    int close = spec.indexOf('}');
    if (open < 0 && close < 0) {
      return List.of(spec);
    }
    if (open < 0 || close < open) {
      throw new IllegalArgumentException(
          "unbalanced braces in shard pattern '"
              + spec
              + "'; expected groups such as '{000..099}' or '{train,val}'");
    }
    String body = spec.substring(open + 1, close);
    if (body.indexOf('{') >= 0) {
      throw new IllegalArgumentException(
          "unbalanced or nested '{' in shard pattern '"
              + spec
              + "'; expected flat groups such as '{000..099}' or '{train,val}'");
    }
    List<String> choices = choices(body, spec);
    List<String> rests = expand(spec.substring(close + 1));
    if ((long) choices.size() * rests.size() > MAX_PATTERNS) {
      throw new IllegalArgumentException(
          "shard pattern '" + spec + "' expands to more than " + MAX_PATTERNS + " patterns");
    }
    String prefix = spec.substring(0, open);
    List<String> patterns = new ArrayList<>(choices.size() * rests.size());
    for (String choice : choices) {
      for (String rest : rests) {
        patterns.add(prefix + choice + rest);
      }
    }
    return patterns;
  }

  private static List<String> choices(String body, String spec) {
    if (!body.matches("\\d+\\.\\.\\d+")) {
      return List.of(body.split(",", -1));
    }
    String[] bounds = body.split("\\.\\.");
    long first = Long.parseLong(bounds[0]);
    long last = Long.parseLong(bounds[1]);
    if (last < first) {
      throw new IllegalArgumentException(
          "range {" + body + "} in shard pattern '" + spec + "' runs backwards; expected {lo..hi}");
    }
    if (last - first >= MAX_PATTERNS) {
      throw new IllegalArgumentException(
          "range {"
              + body
              + "} in shard pattern '"
              + spec
              + "' has more than "
              + MAX_PATTERNS
              + " values");
    }
    boolean padded =
        bounds[0].startsWith("0") && bounds[0].length() > 1
            || bounds[1].startsWith("0") && bounds[1].length() > 1;
    int width = padded ? Math.max(bounds[0].length(), bounds[1].length()) : 0;
    List<String> numbers = new ArrayList<>();
    for (long n = first; n <= last; n++) {
      String digits = Long.toString(n);
      numbers.add(digits.length() < width ? "0".repeat(width - digits.length()) + digits : digits);
    }
    return numbers;
  }
}
