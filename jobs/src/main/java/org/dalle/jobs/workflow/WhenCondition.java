package org.dalle.jobs.workflow;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Argo DAG task's {@code when} condition, after its {@code {{...}}} tags are filled in: the
 * comparisons the manifests use, {@code 'a' == 'b'} and {@code 'a' != 'b'} (Argo's govaluate
 * syntax; a side may also be an unquoted word). Anything else is refused rather than guessed.
 */
public final class WhenCondition {
  private static final String SIDE = "'([^']*)'|([A-Za-z0-9_.-]+)";
  private static final Pattern COMPARISON =
      Pattern.compile("\\s*(?:" + SIDE + ")\\s*(==|!=)\\s*(?:" + SIDE + ")\\s*");

  private WhenCondition() {}

  /**
   * Whether {@code condition} holds.
   *
   * @throws IllegalArgumentException for a condition that is not one comparison of two strings
   */
  public static boolean holds(String condition) {
    Matcher m = COMPARISON.matcher(condition);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "the local runner evaluates when conditions of the form 'a' == 'b' or 'a' != 'b'; got "
              + condition);
    }
    String left = m.group(1) != null ? m.group(1) : m.group(2);
    String right = m.group(4) != null ? m.group(4) : m.group(5);
    return m.group(3).equals("==") == left.equals(right);
  }
}
