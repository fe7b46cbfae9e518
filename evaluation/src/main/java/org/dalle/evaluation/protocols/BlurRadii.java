package org.dalle.evaluation.protocols;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.dalle.evaluation.blur.PilGaussianBlur;

/**
 * The Gaussian blur radii of the evaluation (DALL·E paper, section 3.2 and figure 9: FID and IS
 * after a Gaussian filter of radius 0 to 8 on both the real images and the samples), and the labels
 * that name each radius's output files ({@code stats_r2.npz}, {@code is_r1.5.json}).
 */
public final class BlurRadii {
  /** The paper's sweep, 0, 1, …, 8. */
  public static final String DEFAULT = "0,1,2,3,4,5,6,7,8";

  private BlurRadii() {}

  /**
   * Parses a comma-separated list such as {@code 0,1,2} or {@code 0,1.5}.
   *
   * @throws IllegalArgumentException naming a value that is not a finite number ≥ 0, a repeated
   *     radius, or an empty list
   */
  public static List<Double> parse(String list) {
    if (list == null || list.isBlank()) {
      throw new IllegalArgumentException(
          "no blur radii given; expected a comma-separated list such as " + DEFAULT);
    }
    Set<Double> radii = new LinkedHashSet<>();
    for (String part : list.split(",", -1)) {
      double radius;
      try {
        radius = Double.parseDouble(part.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "blur radius '"
                + part
                + "' in '"
                + list
                + "' is not a number; expected e.g. "
                + DEFAULT,
            e);
      }
      PilGaussianBlur.ofRadius(radius); // rejects negative and non-finite radii
      radius += 0.0; // -0 is 0
      if (!radii.add(radius)) {
        throw new IllegalArgumentException(
            "blur radius " + label(radius) + " is listed twice in '" + list + "'");
      }
    }
    return List.copyOf(new ArrayList<>(radii));
  }

  /** The radius as written in file names: {@code 2} for 2.0, {@code 1.5} for 1.5. */
  public static String label(double radius) {
    return BigDecimal.valueOf(radius).stripTrailingZeros().toPlainString().toLowerCase(Locale.ROOT);
  }

  /** {@code stats_r<label>.npz}: mu and sigma of the features at this radius. */
  public static String statisticsFile(double radius) {
    return statisticsFile(label(radius));
  }

  static String statisticsFile(String label) {
    return "stats_r" + label + ".npz";
  }

  /** {@code is_r<label>.json}: the Inception Score at this radius. */
  public static String inceptionScoreFile(double radius) {
    return inceptionScoreFile(label(radius));
  }

  static String inceptionScoreFile(String label) {
    return "is_r" + label + ".json";
  }
}
