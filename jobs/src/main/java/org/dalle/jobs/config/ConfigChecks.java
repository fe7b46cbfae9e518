package org.dalle.jobs.config;

/**
 * The value checks every job config's {@code validate()} makes: each throws an {@link
 * IllegalArgumentException} naming the setting, its value and what was expected.
 */
public final class ConfigChecks {
  private ConfigChecks() {}

  /** {@code value} is not null or blank. */
  public static void required(String name, String value, String expected) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is not set; expected " + expected);
    }
  }

  /** {@code value >= minimum}. */
  public static void atLeast(String name, long value, long minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " is " + value + "; expected at least " + minimum);
    }
  }

  /** {@code value} is finite and {@code > 0}. */
  public static void positive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " is " + value + "; expected a positive number");
    }
  }

  /** {@code value} is finite and {@code >= 0}. */
  public static void nonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " is " + value + "; expected a number >= 0");
    }
  }

  /** {@code 0 <= value < 1}. */
  public static void unitInterval(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + " is " + value + "; expected a number in [0, 1)");
    }
  }
}
