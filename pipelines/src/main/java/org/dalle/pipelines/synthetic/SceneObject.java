package org.dalle.pipelines.synthetic;

import java.util.Objects;

/**
 * One coloured shape in a scene. Its centre {@code (x, y)} is given as fractions of the image side
 * (y pointing down) and lies inside {@code cell}; the object fits in the square box of half-side
 * {@code size.halfExtent()} around the centre, and that box lies inside the image.
 */
public record SceneObject(
    Colour colour, Shape shape, Size size, GridPosition cell, double x, double y) {
  public SceneObject {
    Objects.requireNonNull(colour, "colour");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(cell, "cell");
    if (!cell.contains(x, y)) {
      throw new IllegalArgumentException(
          "object centre (" + x + ", " + y + ") lies outside its cell '" + cell.word() + "'");
    }
    double r = size.halfExtent();
    if (x - r < 0 || x + r > 1 || y - r < 0 || y + r > 1) {
      throw new IllegalArgumentException(
          "a " + size.word() + " object at (" + x + ", " + y + ") does not fit inside the image");
    }
  }

  /** The object's (colour, shape) pair. */
  public ColourShape pair() {
    return new ColourShape(colour, shape);
  }
}
