package org.dalle.pipelines.synthetic;

/**
 * A spatial relation between two objects, read "first RELATION second". A relation holds when the
 * first object's centre lies on the named side of the second's and that axis dominates: for "left
 * of", the horizontal gap is larger than the vertical one, so a scene never satisfies two relations
 * at once and a checker can decide each one from the two centres alone.
 */
public enum Relation {
  LEFT_OF("left of", "to the left of"),
  RIGHT_OF("right of", "to the right of"),
  ABOVE("above", "above"),
  BELOW("below", "below");

  private final String word;
  private final String phrase;

  Relation(String word, String phrase) {
    this.word = word;
    this.phrase = phrase;
  }

  /** The relation's name in attributes, e.g. {@code "left of"}. */
  public String word() {
    return word;
  }

  /** The phrase that joins two objects in a caption, e.g. {@code "to the left of"}. */
  public String phrase() {
    return phrase;
  }

  /**
   * Whether "first RELATION second" holds for two centres given with y pointing down, in any unit.
   */
  public boolean holds(double firstX, double firstY, double secondX, double secondY) {
    double dx = secondX - firstX; // > 0: first is left of second
    double dy = secondY - firstY; // > 0: first is above second
    return switch (this) {
      case LEFT_OF -> dx > Math.abs(dy);
      case RIGHT_OF -> -dx > Math.abs(dy);
      case ABOVE -> dy > Math.abs(dx);
      case BELOW -> -dy > Math.abs(dx);
    };
  }

  /** Whether the relation holds between the centres of two grid cells. */
  public boolean holds(GridPosition first, GridPosition second) {
    return holds(first.column(), first.row(), second.column(), second.row());
  }
}
