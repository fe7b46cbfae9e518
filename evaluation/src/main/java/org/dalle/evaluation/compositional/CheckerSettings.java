package org.dalle.evaluation.compositional;

/**
 * Thresholds of the {@link SceneChecker}. The {@link #DEFAULT defaults} read every rendered scene
 * of the synthetic dataset exactly (at 32, 64 and 256 pixels, rendered directly or resized by the
 * prepare stage) and tolerate mild blur and JPEG compression; {@code SceneCheckerTest} measures
 * both.
 *
 * @param coreAlpha smallest coverage of a palette colour for a pixel to seed an object, in (0, 1]
 * @param maxResidual largest distance, in 0..255 RGB units, between a core pixel and its palette
 *     ray; farther pixels are off-palette colours and belong to no object
 * @param fringeAlpha coverage below which a fringe pixel counts as background (noise floor)
 * @param minAreaFraction smallest object core, as a fraction of the image area; a small diamond,
 *     the smallest object, covers about 0.012 of it
 * @param fringePixels how far, in pixels at 64 pixels per side (scaled with the image, at least 2),
 *     an object's soft mask reaches beyond its core
 */
public record CheckerSettings(
    double coreAlpha,
    double maxResidual,
    double fringeAlpha,
    double minAreaFraction,
    double fringePixels) {

  public static final CheckerSettings DEFAULT = new CheckerSettings(0.5, 90.0, 0.08, 0.003, 2.0);

  public CheckerSettings {
    if (!(coreAlpha > 0 && coreAlpha <= 1)) {
      throw new IllegalArgumentException("coreAlpha must be in (0, 1], got " + coreAlpha);
    }
    if (!(maxResidual > 0)) {
      throw new IllegalArgumentException("maxResidual must be > 0, got " + maxResidual);
    }
    if (!(fringeAlpha >= 0 && fringeAlpha < coreAlpha)) {
      throw new IllegalArgumentException(
          "fringeAlpha must be in [0, coreAlpha=" + coreAlpha + "), got " + fringeAlpha);
    }
    if (!(minAreaFraction > 0 && minAreaFraction < 1)) {
      throw new IllegalArgumentException(
          "minAreaFraction must be in (0, 1), got " + minAreaFraction);
    }
    if (!(fringePixels >= 0)) {
      throw new IllegalArgumentException("fringePixels must be >= 0, got " + fringePixels);
    }
  }

  /** Smallest number of core pixels an object has in an image of {@code side} pixels. */
  int minCoreArea(int side) {
    return Math.max(2, (int) Math.ceil(minAreaFraction * side * side));
  }

  /** Fringe radius in pixels for an image of {@code side} pixels. */
  int fringeRadius(int side) {
    return Math.max(2, (int) Math.round(fringePixels * side / 64.0));
  }
}
