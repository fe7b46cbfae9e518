package org.dalle.pipelines.synthetic;

/**
 * The nine cells of the 3x3 grid that positions are named by. The middle cell is spelt {@code
 * "centre"}, matching the British spelling of {@code colour} used throughout the dataset. Rows
 * count down from the top and columns from the left, as image coordinates do.
 */
public enum GridPosition {
  TOP_LEFT("top left", 0, 0, "in the top left corner"),
  TOP("top", 0, 1, "at the top"),
  TOP_RIGHT("top right", 0, 2, "in the top right corner"),
  LEFT("left", 1, 0, "on the left"),
  CENTRE("centre", 1, 1, "in the centre"),
  RIGHT("right", 1, 2, "on the right"),
  BOTTOM_LEFT("bottom left", 2, 0, "in the bottom left corner"),
  BOTTOM("bottom", 2, 1, "at the bottom"),
  BOTTOM_RIGHT("bottom right", 2, 2, "in the bottom right corner");

  /** Cells per side of the grid. */
  public static final int GRID = 3;

  private final String word;
  private final int row;
  private final int column;
  private final String locative;

  GridPosition(String word, int row, int column, String locative) {
    this.word = word;
    this.row = row;
    this.column = column;
    this.locative = locative;
  }

  /** The position's name in captions and attributes, e.g. {@code "top left"}. */
  public String word() {
    return word;
  }

  /** Row from the top, 0..2. */
  public int row() {
    return row;
  }

  /** Column from the left, 0..2. */
  public int column() {
    return column;
  }

  /** A phrase that places an object in this cell, e.g. {@code "in the top left corner"}. */
  public String locative() {
    return locative;
  }

  /** Centre of the cell along x, as a fraction of the image width. */
  public double centreX() {
    return (column + 0.5) / GRID;
  }

  /** Centre of the cell along y (downwards), as a fraction of the image height. */
  public double centreY() {
    return (row + 0.5) / GRID;
  }

  /** Whether the point (x, y), in fractions of the image side, lies inside this cell. */
  public boolean contains(double x, double y) {
    return x >= (double) column / GRID
        && x < (double) (column + 1) / GRID
        && y >= (double) row / GRID
        && y < (double) (row + 1) / GRID;
  }
}
