package org.dalle.evaluation.blur;

import java.awt.image.BufferedImage;

/**
 * The Gaussian blur of PIL's {@code ImageFilter.GaussianBlur(radius)}, the one Python evaluation
 * code applies before FID and IS; the DALL·E paper blurs both the reference images and the samples
 * with radius 0 to 8 (section 3.2, figure 9). This is the blur of the evaluation protocols, so that
 * their figures can be compared with numbers computed in Python.
 *
 * <p>PIL does not sample a Gaussian (that is {@link GaussianBlur}): it approximates one of standard
 * deviation σ = radius by three passes of an <em>extended box filter</em> along the rows, then
 * three along the columns (Gwosdek, Grewenig, Bruhn and Weickert, "Theoretical Foundations of
 * Gaussian Convolution by Extended Box Filtering", SSVM 2011). An extended box of radius r = l + α
 * (l whole, 0 ≤ α &lt; 1) weighs the 2l + 1 pixels around the centre equally and the next pixel on
 * each side by α of that weight; r is chosen so that three passes have variance σ². Weights are
 * fixed-point fractions of 2²⁴, every pass rounds to 8 bits, and pixels beyond the border repeat
 * the edge pixel. This class does the same arithmetic — the box radius in single precision, the
 * same integer weights and rounding — so its output is PIL's, pixel for pixel ({@code
 * PilGaussianBlurTest} compares the two).
 */
public final class PilGaussianBlur {
  /** Box passes per axis; PIL's default, and the variance formula below assumes it. */
  static final int PASSES = 3;

  private static final int ONE = 1 << 24; // fixed-point 1.0 of the box weights
  private static final int HALF = 1 << 23;

  private final double radius;
  private final float boxRadius;
  private final int whole; // l: pixels on each side with the full weight
  private final long innerWeight; // weight of each of the 2l + 1 inner pixels, of ONE
  private final long outerWeight; // weight of the pixel at distance l + 1 on each side, of ONE

  private PilGaussianBlur(double radius) {
    this.radius = radius;
    this.boxRadius = boxRadius((float) radius);
    this.whole = (int) boxRadius;
    // PIL divides in single precision and truncates; the outer pixels share what the inner leave.
    this.innerWeight = (long) ((float) ONE / (boxRadius * 2 + 1));
    this.outerWeight = (ONE - (2L * whole + 1) * innerWeight) / 2;
  }

  /**
   * @param radius the standard deviation in pixels, as PIL's {@code GaussianBlur(radius)}; 0 leaves
   *     images unchanged
   * @throws IllegalArgumentException for a negative or non-finite radius
   */
  public static PilGaussianBlur ofRadius(double radius) {
    if (!(radius >= 0) || Double.isInfinite(radius)) {
      throw new IllegalArgumentException(
          "blur radius must be a finite number >= 0 but was " + radius);
    }
    return new PilGaussianBlur(radius + 0.0); // -0 is 0
  }

  /**
   * The radius r = l + α of one extended box such that {@code passes} boxes have variance σ²
   * (Gwosdek et al., equations 7, 11 and 14), in single precision as PIL computes it: the box
   * length L = √(12σ²/n + 1), l = ⌊(L − 1)/2⌋, and α from the variance of the extended box.
   */
  static float boxRadius(float sigma, int passes) {
    float variance = sigma * sigma / passes;
    float length = (float) Math.sqrt(12.0 * variance + 1.0);
    float l = (float) Math.floor((length - 1.0) / 2.0);
    float alpha = (2 * l + 1) * (l * (l + 1) - 3 * variance);
    alpha /= 6 * (variance - (l + 1) * (l + 1));
    return l + alpha;
  }

  private static float boxRadius(float sigma) {
    return boxRadius(sigma, PASSES);
  }

  /** The standard deviation in pixels. */
  public double radius() {
    return radius;
  }

  /** The radius of each of the three extended boxes. */
  public float boxRadius() {
    return boxRadius;
  }

  /** Whether this blur leaves every image unchanged (radius 0). */
  public boolean isIdentity() {
    return radius == 0;
  }

  /** Blurs each RGB channel of an image (alpha is dropped) into a new 8-bit RGB image. */
  public BufferedImage image(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
    int[] result = new int[rgb.length];
    int[] plane = new int[rgb.length];
    for (int channel = 0; channel < 3; channel++) {
      int shift = 16 - 8 * channel;
      for (int i = 0; i < rgb.length; i++) {
        plane[i] = (rgb[i] >> shift) & 0xff;
      }
      int[] blurred = plane(plane, height, width);
      for (int i = 0; i < rgb.length; i++) {
        result[i] |= blurred[i] << shift;
      }
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, width, height, result, 0, width);
    return out;
  }

  /**
   * Blurs a {@code height × width} plane of 8-bit values (0 to 255), row-major, into a new array:
   * three passes along every row, then three along every column.
   *
   * @throws IllegalArgumentException when the plane's size or a value is out of range
   */
  public int[] plane(int[] values, int height, int width) {
    if (height < 1 || width < 1 || values.length != (long) height * width) {
      throw new IllegalArgumentException(
          "a " + height + " x " + width + " plane needs " + (long) height * width + " values");
    }
    for (int value : values) {
      if (value < 0 || value > 255) {
        throw new IllegalArgumentException(
            "plane values must be 8-bit, 0 to 255, but one is " + value);
      }
    }
    int[] out = values.clone();
    if (isIdentity()) {
      return out;
    }
    int[] line = new int[Math.max(width, height)];
    int[] passed = new int[line.length];
    for (int y = 0; y < height; y++) {
      System.arraycopy(out, y * width, line, 0, width);
      for (int pass = 0; pass < PASSES; pass++) {
        boxPass(line, width, passed);
        System.arraycopy(passed, 0, line, 0, width);
      }
      System.arraycopy(line, 0, out, y * width, width);
    }
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        line[y] = out[y * width + x];
      }
      for (int pass = 0; pass < PASSES; pass++) {
        boxPass(line, height, passed);
        System.arraycopy(passed, 0, line, 0, height);
      }
      for (int y = 0; y < height; y++) {
        out[y * width + x] = line[y];
      }
    }
    return out;
  }

  /**
   * One extended box pass over the first {@code length} values of {@code in}: out[x] = round((w ·
   * Σ_{|k|≤l} in[x+k] + f · (in[x−l−1] + in[x+l+1])) / 2²⁴), indices clamped to the line.
   */
  private void boxPass(int[] in, int length, int[] out) {
    int last = length - 1;
    // Σ in[k] for |k| ≤ l, indices clamped: the window at x = 0, however wide l is.
    long inner = (long) in[0] * (whole + 1L) + (long) in[last] * Math.max(0L, (long) whole - last);
    for (int k = 1; k <= Math.min(whole, last); k++) {
      inner += in[k];
    }
    for (int x = 0; x < length; x++) {
      int left = in[clamp(x - whole - 1L, last)];
      int right = in[clamp(x + whole + 1L, last)];
      long weighted = innerWeight * inner + outerWeight * (left + right);
      out[x] = (int) ((weighted + HALF) >> 24);
      // Slide the window one pixel right: the leftmost inner pixel leaves, the right one enters.
      inner += right - in[clamp((long) x - whole, last)];
    }
  }

  private static int clamp(long index, int last) {
    return (int) Math.min(last, Math.max(0, index));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PilGaussianBlur b && Double.compare(b.radius, radius) == 0;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(radius);
  }

  @Override
  public String toString() {
    return "PilGaussianBlur[radius=" + radius + ", boxRadius=" + boxRadius + "]";
  }
}
