package org.dalle.evaluation.compositional;

/**
 * Scale-invariant geometry of one object's soft mask, from coverage-weighted moments about its
 * centroid (each pixel a uniform square of its coverage, so an antialiased 6-pixel shape still has
 * accurate moments):
 *
 * <ul>
 *   <li>{@code compactness}: {@code 2π (μ20 + μ02) / A²}, 1 for a disc and larger for every other
 *       outline (a star or a cross spreads its area away from the centre);
 *   <li>the angular harmonics {@code h_k = Σ w z^k / Σ w |z|^k} for {@code z = dx + i dy} (y down)
 *       and k = 2..5: the object's k-fold symmetry and its orientation. A diamond, taller than
 *       wide, has a negative real {@code h_2}; an upward triangle an {@code h_3} pointing along +i;
 *       a square, whose corners lie on the diagonals, a negative real {@code h_4} and a cross,
 *       whose arms lie on the axes, a positive one; an upward star an {@code h_5} along −i. A disc
 *       has none.
 * </ul>
 *
 * @param area total coverage in pixels
 * @param centroidX centroid in pixels from the left edge
 * @param centroidY centroid in pixels from the top edge
 * @param compactness normalised second moment, ≥ 1
 * @param harmonicsRe real parts of h_2..h_5 (index k − 2)
 * @param harmonicsIm imaginary parts of h_2..h_5 (index k − 2)
 */
record ShapeFeatures(
    double area,
    double centroidX,
    double centroidY,
    double compactness,
    double[] harmonicsRe,
    double[] harmonicsIm) {

  /** Highest harmonic order measured. */
  static final int MAX_ORDER = 5;

  /** The features of a mask given as pixel indices of an image {@code width} wide. */
  static ShapeFeatures of(int[] pixels, double[] weights, int width) {
    double area = 0;
    double sx = 0;
    double sy = 0;
    for (int i = 0; i < pixels.length; i++) {
      double w = weights[i];
      area += w;
      sx += w * (pixels[i] % width + 0.5);
      sy += w * (pixels[i] / width + 0.5);
    }
    if (!(area > 0)) {
      throw new IllegalArgumentException("an object mask needs a positive area, got " + area);
    }
    double cx = sx / area;
    double cy = sy / area;
    double[] re = new double[MAX_ORDER + 1];
    double[] im = new double[MAX_ORDER + 1];
    double[] norm = new double[MAX_ORDER + 1];
    for (int i = 0; i < pixels.length; i++) {
      double w = weights[i];
      if (w == 0) {
        continue;
      }
      double dx = pixels[i] % width + 0.5 - cx;
      double dy = pixels[i] / width + 0.5 - cy;
      double r = Math.hypot(dx, dy);
      // z^k by repeated complex multiplication.
      double zr = 1;
      double zi = 0;
      double rk = 1;
      for (int k = 1; k <= MAX_ORDER; k++) {
        double t = zr * dx - zi * dy;
        zi = zr * dy + zi * dx;
        zr = t;
        rk *= r;
        re[k] += w * zr;
        im[k] += w * zi;
        norm[k] += w * rk;
      }
    }
    // Second moment of the pixel squares themselves: 1/12 per axis per unit of coverage.
    double second = norm[2] + area / 6.0;
    double compactness = 2 * Math.PI * second / (area * area);
    double[] hRe = new double[MAX_ORDER - 1];
    double[] hIm = new double[MAX_ORDER - 1];
    for (int k = 2; k <= MAX_ORDER; k++) {
      hRe[k - 2] = norm[k] > 0 ? re[k] / norm[k] : 0;
      hIm[k - 2] = norm[k] > 0 ? im[k] / norm[k] : 0;
    }
    return new ShapeFeatures(area, cx, cy, compactness, hRe, hIm);
  }

  /** Real part of the harmonic of order {@code k} (2..5). */
  double re(int k) {
    return harmonicsRe[k - 2];
  }

  /** Imaginary part of the harmonic of order {@code k} (2..5). */
  double im(int k) {
    return harmonicsIm[k - 2];
  }
}
