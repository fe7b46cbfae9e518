package org.dalle.pipelines.synthetic;

/**
 * The two object sizes. {@link #halfExtent()} is half the side of the square box that holds the
 * object, as a fraction of the image side: a large object nearly fills one cell of the 3x3 grid
 * (half a cell is 1/6 ≈ 0.167) and a small one is about 0.65 of it, a ratio large enough to tell
 * apart at 32x32 pixels (a small object is then about 6 pixels across, a large one 10).
 */
public enum Size {
  SMALL("small", 0.100),
  LARGE("large", 0.155);

  private final String word;
  private final double halfExtent;

  Size(String word, double halfExtent) {
    this.word = word;
    this.halfExtent = halfExtent;
  }

  /** The caption word, e.g. {@code "small"}. */
  public String word() {
    return word;
  }

  /** Half the side of the object's bounding box, as a fraction of the image side. */
  public double halfExtent() {
    return halfExtent;
  }
}
