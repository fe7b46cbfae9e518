package org.dalle.pipelines.image;

import java.awt.image.BufferedImage;

/**
 * Resizes an image so that its shorter side equals a target size and crops the centre square: how
 * the 256 × 256 RGB training images of the dVAE (Ramesh et al. 2021, §2.1) are made, as in OpenAI's
 * released preprocessing (Lanczos resize of the shorter side, then centre crop).
 *
 * <p>The resampling is separable and works on {@code int} pixel arrays with 14-bit fixed-point
 * weights: a vertical pass into planar channels that keep 6 extra bits of precision, computed only
 * for the columns the crop needs, then a horizontal pass computing only the cropped square. Each
 * output pixel centre maps back to a source position, and the filter kernel is stretched by the
 * downscale factor so that downscaling averages away detail finer than an output pixel instead of
 * aliasing it (as {@code Graphics2D} bilinear interpolation would).
 */
public final class SquareResizer {
  /** The default kernel, as used by OpenAI's DALL·E preprocessing. */
  public static final ResampleFilter DEFAULT_FILTER = ResampleFilter.LANCZOS3;

  // Weights are fixed point with PRECISION fraction bits. The vertical pass keeps
  // INTERMEDIATE_BITS fraction bits of each 8-bit value; the horizontal pass removes all of them.
  // Worst case 255 * 2^6 * 2^14 * 1.3 (Lanczos' positive lobes) stays far below 2^31.
  private static final int PRECISION = 14;
  private static final int ONE = 1 << PRECISION;
  private static final int INTERMEDIATE_BITS = 6;
  private static final int VERTICAL_SHIFT = PRECISION - INTERMEDIATE_BITS;
  private static final int VERTICAL_ROUND = 1 << (VERTICAL_SHIFT - 1);
  private static final int FINAL_SHIFT = PRECISION + INTERMEDIATE_BITS;
  private static final int FINAL_ROUND = 1 << (FINAL_SHIFT - 1);

  private SquareResizer() {}

  /**
   * {@link #resizeAndCenterCrop(BufferedImage, int, ResampleFilter)} with {@link #DEFAULT_FILTER}.
   */
  public static BufferedImage resizeAndCenterCrop(BufferedImage rgb, int size) {
    return resizeAndCenterCrop(rgb, size, DEFAULT_FILTER);
  }

  /**
   * Scales {@code rgb} (a {@code TYPE_INT_RGB} image) so that its shorter side is {@code size}
   * pixels, keeping the aspect ratio, and returns the centred {@code size × size} square. Works for
   * downscaling and upscaling alike.
   */
  public static BufferedImage resizeAndCenterCrop(
      BufferedImage rgb, int size, ResampleFilter filter) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be at least 1 pixel but was " + size);
    }
    int[] src = RgbConverter.intPixels(rgb);
    int width = rgb.getWidth();
    int height = rgb.getHeight();
    // The centred square of side min(width, height) in source coordinates, mapped onto the output.
    double side = Math.min(width, height);
    double scale = side / size;
    Weights across = Weights.of(filter, width, (width - side) / 2.0, scale, size);
    Weights down = Weights.of(filter, height, (height - side) / 2.0, scale, size);

    // Vertical pass first, over the columns the horizontal pass needs: it does most of the work
    // when the input is larger than the output, and it runs along whole rows (sequential memory).
    // It writes planar channels with INTERMEDIATE_BITS extra bits of precision, unclamped because
    // Lanczos lobes may overshoot.
    int firstColumn = across.first();
    int columns = across.end() - firstColumn;
    int[] red = new int[size * columns]; // (size, columns) each
    int[] green = new int[size * columns];
    int[] blue = new int[size * columns];
    for (int y = 0; y < size; y++) {
      int out = y * columns;
      for (int k = 0; k < down.count[y]; k++) {
        int weight = down.weights[y * down.stride + k];
        int in = (down.start[y] + k) * width + firstColumn;
        for (int x = 0; x < columns; x++) {
          int p = src[in + x];
          red[out + x] += ((p >>> 16) & 0xFF) * weight;
          green[out + x] += ((p >>> 8) & 0xFF) * weight;
          blue[out + x] += (p & 0xFF) * weight;
        }
      }
      for (int x = 0; x < columns; x++) {
        red[out + x] = (red[out + x] + VERTICAL_ROUND) >> VERTICAL_SHIFT;
        green[out + x] = (green[out + x] + VERTICAL_ROUND) >> VERTICAL_SHIFT;
        blue[out + x] = (blue[out + x] + VERTICAL_ROUND) >> VERTICAL_SHIFT;
      }
    }

    // Horizontal pass: size x size outputs, each a short dot product per channel.
    BufferedImage result = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int[] dst = RgbConverter.pixelsOf(result); // (size, size)
    for (int y = 0; y < size; y++) {
      int row = y * columns - firstColumn;
      for (int x = 0; x < size; x++) {
        int from = row + across.start[x];
        int w = x * across.stride;
        int r = FINAL_ROUND;
        int g = FINAL_ROUND;
        int b = FINAL_ROUND;
        for (int k = 0; k < across.count[x]; k++) {
          int weight = across.weights[w + k];
          r += red[from + k] * weight;
          g += green[from + k] * weight;
          b += blue[from + k] * weight;
        }
        dst[y * size + x] =
            (clamp(r >> FINAL_SHIFT) << 16)
                | (clamp(g >> FINAL_SHIFT) << 8)
                | clamp(b >> FINAL_SHIFT);
      }
    }
    return result;
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(v, 255);
  }

  /**
   * Fixed-point kernel weights along one axis: output pixel {@code i} is the weighted sum of source
   * pixels {@code start[i] .. start[i] + count[i] - 1} with {@code weights[i * stride + k]}, which
   * sum to exactly {@code ONE} so that a constant image stays constant.
   */
  private record Weights(int[] start, int[] count, int[] weights, int stride) {

    /**
     * @param length source length along this axis
     * @param offset source coordinate of the left (top) edge of the crop window
     * @param scale source pixels per output pixel
     * @param size number of output pixels
     */
    static Weights of(ResampleFilter filter, int length, double offset, double scale, int size) {
      double stretch = Math.max(scale, 1.0); // widen the kernel only when downscaling
      double support = filter.support() * stretch;
      int stride = (int) Math.ceil(support) * 2 + 1;
      int[] start = new int[size];
      int[] count = new int[size];
      int[] weights = new int[size * stride];
      double[] exact = new double[stride];
      for (int i = 0; i < size; i++) {
        double centre = offset + (i + 0.5) * scale;
        int lo = Math.max(0, (int) Math.floor(centre - support + 0.5));
        int hi = Math.min(length, (int) Math.floor(centre + support + 0.5));
        hi = Math.min(hi, lo + stride);
        double sum = 0.0;
        for (int x = lo; x < hi; x++) {
          exact[x - lo] = filter.weight((x + 0.5 - centre) / stretch);
          sum += exact[x - lo];
        }
        if (sum == 0.0) {
          // The kernel missed every pixel centre (a box when upscaling): use the nearest pixel.
          lo = Math.min(length - 1, Math.max(0, (int) Math.floor(centre)));
          hi = lo + 1;
          exact[0] = 1.0;
          sum = 1.0;
        }
        start[i] = lo;
        count[i] = hi - lo;
        int total = 0;
        int largest = 0;
        for (int k = 0; k < hi - lo; k++) {
          int w = (int) Math.round(exact[k] / sum * ONE);
          weights[i * stride + k] = w;
          total += w;
          if (w > weights[i * stride + largest]) {
            largest = k;
          }
        }
        weights[i * stride + largest] += ONE - total; // rounding residue onto the centre tap
      }
      return new Weights(start, count, weights, stride);
    }

    int first() {
      return start[0];
    }

    /** One past the last source index used by any output pixel. */
    int end() {
      int end = 0;
      for (int i = 0; i < start.length; i++) {
        end = Math.max(end, start[i] + count[i]);
      }
      return end;
    }
  }
}
