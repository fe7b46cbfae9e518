package org.dalle.evaluation.compositional;

/**
 * How many images passed a task out of how many took part.
 *
 * @param passed images that passed
 * @param total images that took part
 * @param accuracy {@code passed / total}, or null when no image took part
 */
public record TaskScore(long passed, long total, Double accuracy) {
  public TaskScore {
    if (passed < 0 || total < passed) {
      throw new IllegalArgumentException(
          "need 0 <= passed <= total, got passed=" + passed + " total=" + total);
    }
  }

  /** The score of {@code passed} out of {@code total}, accuracy null when total is 0. */
  public static TaskScore of(long passed, long total) {
    return new TaskScore(passed, total, total == 0 ? null : (double) passed / total);
  }
}
