package org.dalle.pipelines.synthetic;

import java.util.Locale;

/**
 * Which part of the synthetic dataset a scene belongs to: {@code train} scenes never contain a
 * held-out (colour, shape) pair; every {@code heldout} scene contains at least one.
 */
public enum SyntheticSplit {
  TRAIN,
  HELDOUT;

  /** The split's name in specs, attributes and source keys: {@code train} or {@code heldout}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code train} or {@code heldout}. */
  public static SyntheticSplit parse(String word) {
    for (SyntheticSplit split : values()) {
      if (split.word().equals(word)) {
        return split;
      }
    }
    throw new IllegalArgumentException("unknown split '" + word + "', expected train or heldout");
  }
}
