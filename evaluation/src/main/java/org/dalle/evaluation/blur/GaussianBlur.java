package org.dalle.evaluation.blur;

import java.awt.image.BufferedImage;

/**
 * A separable Gaussian blur: the {@link GaussianKernel} along rows, then along columns, with the
 * edge pixels repeated beyond the border (so a flat image stays flat): the exact Gaussian of the
 * DALL·E paper's evaluation (section 3.2, figure 9). The evaluation protocols blur with {@link
 * PilGaussianBlur} instead, the box-filter approximation that PIL and so Python evaluation code
 * use.
 */
public final class GaussianBlur {
  private GaussianBlur() {}

  /** Blurs a {@code height × width} plane of values, row-major, into a new array. */
  public static float[] plane(float[] values, int height, int width, GaussianKernel kernel) {
    if (values.length != height * width) {
      throw new IllegalArgumentException(
          "a " + height + " x " + width + " plane needs " + height * width + " values");
    }
    int half = kernel.halfWidth();
    if (half == 0) {
      return values.clone();
    }
    float[] rows = new float[values.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double sum = 0;
        for (int k = -half; k <= half; k++) {
          int xx = Math.min(width - 1, Math.max(0, x + k));
          sum += kernel.weight(k) * values[y * width + xx];
        }
        rows[y * width + x] = (float) sum;
      }
    }
    float[] out = new float[values.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double sum = 0;
        for (int k = -half; k <= half; k++) {
          int yy = Math.min(height - 1, Math.max(0, y + k));
          sum += kernel.weight(k) * rows[yy * width + x];
        }
        out[y * width + x] = (float) sum;
      }
    }
    return out;
  }

  /** Blurs each RGB channel of an image; the result is an 8-bit RGB image, rounded. */
  public static BufferedImage image(BufferedImage image, GaussianKernel kernel) {
    int width = image.getWidth();
    int height = image.getHeight();
    int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
    int[] result = new int[rgb.length];
    for (int channel = 0; channel < 3; channel++) {
      int shift = 16 - 8 * channel;
      float[] plane = new float[rgb.length];
      for (int i = 0; i < rgb.length; i++) {
        plane[i] = (rgb[i] >> shift) & 0xff;
      }
      float[] blurred = plane(plane, height, width, kernel);
      for (int i = 0; i < rgb.length; i++) {
        int value = Math.min(255, Math.max(0, Math.round(blurred[i])));
        result[i] |= value << shift;
      }
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, width, height, result, 0, width);
    return out;
  }
}
