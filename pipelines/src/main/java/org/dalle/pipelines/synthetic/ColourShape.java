package org.dalle.pipelines.synthetic;

import java.io.Serializable;
import java.util.Objects;

/**
 * A (colour, shape) combination, the unit that is held out of training for the zero-shot
 * composition test. Written as {@code "colour shape"}, e.g. {@code "blue star"}; parse one with
 * {@link SyntheticVocabulary#parsePair(String)}.
 */
public record ColourShape(Colour colour, Shape shape) implements Serializable {
  public ColourShape {
    Objects.requireNonNull(colour, "colour");
    Objects.requireNonNull(shape, "shape");
  }

  /** The pair as it is written in configs and attributes, e.g. {@code "blue star"}. */
  @Override
  public String toString() {
    return colour.word() + " " + shape.word();
  }
}
