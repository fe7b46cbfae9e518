package org.dalle.evaluation.report;

import java.util.List;

/**
 * FID and IS of one set of images against one reference at several Gaussian-blur radii, a series of
 * the paper's Figure 9.
 *
 * @param label the legend entry, e.g. "reranked top-1" or "unreranked"
 * @param points one per radius, in increasing radius
 */
public record BlurCurve(String label, List<Point> points) {

  /**
   * The figures at one radius.
   *
   * @param radius the blur radius in pixels (0 = no blur)
   * @param fid the Fréchet distance, or NaN when it was not computed
   * @param isMean the Inception Score mean, or NaN when the network has no classifier head
   * @param isStd the Inception Score standard deviation over splits, or NaN
   */
  public record Point(int radius, double fid, double isMean, double isStd) {}

  public BlurCurve {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("a blur curve needs a label");
    }
    points = List.copyOf(points);
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).radius() <= points.get(i - 1).radius()) {
        throw new IllegalArgumentException(
            "blur radii of '"
                + label
                + "' are not increasing: "
                + points.stream().map(Point::radius).toList());
      }
    }
  }

  /** Whether any point has a finite Inception Score. */
  public boolean hasInceptionScore() {
    return points.stream().anyMatch(p -> Double.isFinite(p.isMean()));
  }
}
