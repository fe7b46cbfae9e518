package org.dalle.evaluation.features;

/**
 * Bilinear resizing exactly as PyTorch's {@code F.interpolate(x, size, mode="bilinear",
 * align_corners=False)} without antialiasing, which pytorch-fid applies to resize inputs to 299 ×
 * 299: output pixel i samples the input at s = (i + ½)·in/out − ½, clamped below at 0, between
 * pixels ⌊s⌋ and min(⌊s⌋ + 1, in − 1).
 */
public final class BilinearResize {
  private BilinearResize() {}

  /** Resizes a {@code height × width} row-major plane to {@code outHeight × outWidth}. */
  public static float[] plane(float[] values, int height, int width, int outHeight, int outWidth) {
    if (values.length != height * width || outHeight < 1 || outWidth < 1) {
      throw new IllegalArgumentException(
          "cannot resize "
              + values.length
              + " values as a "
              + height
              + " x "
              + width
              + " plane to "
              + outHeight
              + " x "
              + outWidth);
    }
    int[] y0 = new int[outHeight];
    int[] y1 = new int[outHeight];
    double[] wy = new double[outHeight];
    sourceIndices(height, outHeight, y0, y1, wy);
    int[] x0 = new int[outWidth];
    int[] x1 = new int[outWidth];
    double[] wx = new double[outWidth];
    sourceIndices(width, outWidth, x0, x1, wx);
    float[] out = new float[outHeight * outWidth];
    for (int y = 0; y < outHeight; y++) {
      int top = y0[y] * width;
      int bottom = y1[y] * width;
      for (int x = 0; x < outWidth; x++) {
        double upper = (1 - wx[x]) * values[top + x0[x]] + wx[x] * values[top + x1[x]];
        double lower = (1 - wx[x]) * values[bottom + x0[x]] + wx[x] * values[bottom + x1[x]];
        out[y * outWidth + x] = (float) ((1 - wy[y]) * upper + wy[y] * lower);
      }
    }
    return out;
  }

  private static void sourceIndices(int in, int out, int[] lo, int[] hi, double[] weight) {
    double scale = (double) in / out;
    for (int i = 0; i < out; i++) {
      double source = Math.max(0.0, scale * (i + 0.5) - 0.5);
      lo[i] = Math.min((int) source, in - 1);
      hi[i] = Math.min(lo[i] + 1, in - 1);
      weight[i] = source - lo[i];
    }
  }
}
