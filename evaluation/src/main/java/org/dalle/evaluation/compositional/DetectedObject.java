package org.dalle.evaluation.compositional;

import java.util.Objects;
import org.dalle.pipelines.synthetic.Colour;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.GridPosition;
import org.dalle.pipelines.synthetic.Relation;
import org.dalle.pipelines.synthetic.Shape;
import org.dalle.pipelines.synthetic.Size;

/**
 * One object the {@link SceneChecker} found in an image, described in the dataset's own terms.
 *
 * @param colour the palette colour that explains its pixels best
 * @param shape the shape whose signature lies nearest to its outline's
 * @param size small or large, from its area and shape
 * @param cell the grid cell its centre lies in
 * @param x centre of its box as a fraction of the image width
 * @param y centre of its box as a fraction of the image height, pointing down
 * @param halfExtent estimated half-side of its box as a fraction of the image side
 */
public record DetectedObject(
    Colour colour,
    Shape shape,
    Size size,
    GridPosition cell,
    double x,
    double y,
    double halfExtent) {
  public DetectedObject {
    Objects.requireNonNull(colour, "colour");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(cell, "cell");
  }

  /** The object's (colour, shape) pair. */
  public ColourShape pair() {
    return new ColourShape(colour, shape);
  }

  /** Whether "this RELATION other" holds between the two centres ({@link Relation#holds}). */
  public boolean is(Relation relation, DetectedObject other) {
    return relation.holds(x, y, other.x, other.y);
  }
}
