package org.dalle.evaluation.compositional;

import org.dalle.pipelines.synthetic.Colour;

/**
 * Explains one pixel of a synthetic scene as a palette colour blended with the black background:
 * the renderer paints each object in its colour's exact RGB value and antialiases its edges, and
 * resizing, blur or a lossy codec mix a pixel further with black, so a pixel that belongs to an
 * object lies close to the ray {@code alpha * colour}, {@code alpha} in [0, 1]. For a colour {@code
 * c} and a pixel {@code p} the best {@code alpha} is the projection {@code p·c / c·c}, clamped to
 * [0, 1], and the residual is {@code |p − alpha c|}.
 *
 * <p>The palette and the black background are those of {@link
 * org.dalle.pipelines.synthetic.SceneRenderer}; the colours lie far apart (the closest, orange and
 * yellow, about 95 apart in 0..255 RGB units), so the nearest ray names the colour reliably.
 */
final class PaletteFit {
  private static final Colour[] PALETTE = Colour.values();
  private static final double[][] RGB = new double[PALETTE.length][];
  private static final double[] NORM2 = new double[PALETTE.length];

  static {
    for (int i = 0; i < PALETTE.length; i++) {
      int rgb = PALETTE[i].rgb();
      RGB[i] = new double[] {(rgb >>> 16) & 0xFF, (rgb >>> 8) & 0xFF, rgb & 0xFF};
      NORM2[i] = dot(RGB[i], RGB[i]);
    }
  }

  private PaletteFit() {}

  /** Number of palette colours; colour indices are {@link Colour#ordinal()}. */
  static int colours() {
    return PALETTE.length;
  }

  static Colour colour(int index) {
    return PALETTE[index];
  }

  /** Length of the darkest palette colour in RGB (0..255 units): no colour is shorter. */
  static double smallestNorm() {
    double min = Double.POSITIVE_INFINITY;
    for (double n2 : NORM2) {
      min = Math.min(min, Math.sqrt(n2));
    }
    return min;
  }

  /** Coverage of colour {@code colour} that best explains packed pixel {@code rgb}, in [0, 1]. */
  static double alpha(int rgb, int colour) {
    double t =
        (((rgb >>> 16) & 0xFF) * RGB[colour][0]
                + ((rgb >>> 8) & 0xFF) * RGB[colour][1]
                + (rgb & 0xFF) * RGB[colour][2])
            / NORM2[colour];
    return t < 0 ? 0 : Math.min(t, 1);
  }

  /**
   * Squared distance, in 0..255 RGB units, from packed pixel {@code rgb} to its fit by a colour.
   */
  static double residual2(int rgb, int colour) {
    double a = alpha(rgb, colour);
    double dr = ((rgb >>> 16) & 0xFF) - a * RGB[colour][0];
    double dg = ((rgb >>> 8) & 0xFF) - a * RGB[colour][1];
    double db = (rgb & 0xFF) - a * RGB[colour][2];
    return dr * dr + dg * dg + db * db;
  }

  /** The colour index whose ray lies nearest to packed pixel {@code rgb}. */
  static int nearest(int rgb) {
    int best = 0;
    double bestResidual = Double.POSITIVE_INFINITY;
    for (int c = 0; c < PALETTE.length; c++) {
      double r = residual2(rgb, c);
      if (r < bestResidual) {
        bestResidual = r;
        best = c;
      }
    }
    return best;
  }

  /**
   * The colour whose ray lies nearest to a sum of pixels (r, g, b in 0..255 units each): the
   * direction of the sum, not each pixel, decides, so edge pixels that a codec shifted off the ray
   * in opposite directions cancel.
   */
  static int nearestToSum(double[] sum) {
    int best = 0;
    double bestResidual = Double.POSITIVE_INFINITY;
    for (int c = 0; c < PALETTE.length; c++) {
      double t = Math.max(0, dot(sum, RGB[c]) / NORM2[c]);
      double dr = sum[0] - t * RGB[c][0];
      double dg = sum[1] - t * RGB[c][1];
      double db = sum[2] - t * RGB[c][2];
      double r = dr * dr + dg * dg + db * db;
      if (r < bestResidual) {
        bestResidual = r;
        best = c;
      }
    }
    return best;
  }

  private static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }
}
