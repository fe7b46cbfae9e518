package org.dalle.evaluation.metrics;

/**
 * Features of a set of images, one row per image: {@code rows × columns} values in row-major order,
 * in float64 (the FID and IS statistics are computed in float64 whatever the network's precision).
 */
public record FeatureMatrix(int rows, int columns, double[] values) {
  public FeatureMatrix {
    if (rows < 0 || columns < 1) {
      throw new IllegalArgumentException(
          "a feature matrix needs rows >= 0 and columns >= 1 but was " + rows + " x " + columns);
    }
    if (values.length != (long) rows * columns) {
      throw new IllegalArgumentException(
          "a "
              + rows
              + " x "
              + columns
              + " feature matrix needs "
              + (long) rows * columns
              + " values but got "
              + values.length);
    }
  }

  /** Copies {@code features[i][j]} (every row the same length) into a matrix. */
  public static FeatureMatrix of(double[][] features) {
    if (features.length == 0) {
      throw new IllegalArgumentException("no feature rows given");
    }
    int columns = features[0].length;
    double[] values = new double[features.length * columns];
    for (int i = 0; i < features.length; i++) {
      if (features[i].length != columns) {
        throw new IllegalArgumentException(
            "feature row " + i + " has " + features[i].length + " values but row 0 has " + columns);
      }
      System.arraycopy(features[i], 0, values, i * columns, columns);
    }
    return new FeatureMatrix(features.length, columns, values);
  }

  public double get(int row, int column) {
    return values[row * columns + column];
  }

  /**
   * @throws IllegalArgumentException naming the first NaN or infinite value and where it is
   */
  public void requireFinite(String what) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException(
            what
                + " row "
                + i / columns
                + ", column "
                + i % columns
                + " is "
                + values[i]
                + "; every value must be finite");
      }
    }
  }
}
