package org.dalle.pipelines.image;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * A 64-bit DCT perceptual hash (pHash) for near-duplicate detection: images that look alike (after
 * resizing, recompression, a small crop or a brightness change) have hashes a few bits apart,
 * unrelated images about 32 bits apart.
 *
 * <p>Steps of {@link #of}:
 *
 * <ol>
 *   <li>Luma per pixel, {@code Y = 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601), as a double.
 *   <li>Area-average resize of the whole image (aspect ratio not kept) to 32 × 32: each output
 *       pixel is the mean of the source area it covers, fractional pixel overlaps included.
 *   <li>Orthonormal 2-D DCT-II of the 32 × 32 luma: {@code C(u, v) = a(u) a(v) Σx Σy Y(x, y)
 *       cos((2x + 1) u π / 64) cos((2y + 1) v π / 64)}, with {@code a(0) = √(1/32)} and otherwise
 *       {@code √(2/32)}; only the 8 × 8 lowest frequencies {@code u, v ∈ 0..7} are computed.
 *   <li>The median of those 64 coefficients without the DC term {@code C(0, 0)}: the 32nd smallest
 *       of the remaining 63.
 *   <li>Bit {@code 8 v + u} of the hash (bit 0 the least significant) is 1 when {@code C(u, v)} is
 *       greater than that median. The DC bit is therefore 1 for all but pathological images.
 * </ol>
 */
public final class PerceptualHash {
  private static final int N = 32;
  private static final int K = 8;

  /** {@code COS[u][x] = a(u) cos((2x + 1) u π / 2N)}: orthonormal DCT-II basis. */
  private static final double[][] COS = new double[K][N];

  static {
    for (int u = 0; u < K; u++) {
      double scale = Math.sqrt((u == 0 ? 1.0 : 2.0) / N);
      for (int x = 0; x < N; x++) {
        COS[u][x] = scale * Math.cos((2 * x + 1) * u * Math.PI / (2 * N));
      }
    }
  }

  private PerceptualHash() {}

  /** The 64-bit pHash of a {@code TYPE_INT_RGB} image. */
  public static long of(BufferedImage rgb) {
    double[] luma = areaResize(rgb); // (N, N) row-major, [y * N + x]
    // Rows first: rowDct[y][u] = Σx Y(x, y) COS[u][x].
    double[][] rowDct = new double[N][K];
    for (int y = 0; y < N; y++) {
      for (int u = 0; u < K; u++) {
        double sum = 0.0;
        for (int x = 0; x < N; x++) {
          sum += luma[y * N + x] * COS[u][x];
        }
        rowDct[y][u] = sum;
      }
    }
    double[] coefficients = new double[K * K]; // [v * K + u]
    for (int v = 0; v < K; v++) {
      for (int u = 0; u < K; u++) {
        double sum = 0.0;
        for (int y = 0; y < N; y++) {
          sum += rowDct[y][u] * COS[v][y];
        }
        coefficients[v * K + u] = sum;
      }
    }
    double[] ac = Arrays.copyOfRange(coefficients, 1, K * K);
    Arrays.sort(ac);
    double median = ac[ac.length / 2];
    long hash = 0L;
    for (int i = 0; i < K * K; i++) {
      if (coefficients[i] > median) {
        hash |= 1L << i;
      }
    }
    return hash;
  }

  /** Number of differing bits (Hamming distance), 0..64. */
  public static int distance(long a, long b) {
    return Long.bitCount(a ^ b);
  }

  /** Luma of {@code rgb} area-averaged onto an N × N grid. */
  private static double[] areaResize(BufferedImage rgb) {
    int[] pixels = RgbConverter.intPixels(rgb);
    int width = rgb.getWidth();
    int height = rgb.getHeight();
    double cellWidth = (double) width / N;
    double cellHeight = (double) height / N;
    double[] row = new double[N];
    double[] out = new double[N * N]; // (N, N)
    for (int y = 0; y < height; y++) {
      Arrays.fill(row, 0.0);
      for (int x = 0; x < width; x++) {
        int p = pixels[y * width + x];
        double luma = 0.299 * ((p >>> 16) & 0xFF) + 0.587 * ((p >>> 8) & 0xFF) + 0.114 * (p & 0xFF);
        // Source pixel [x, x + 1) spreads over the cells it overlaps: one or two when shrinking.
        for (int j = (int) (x / cellWidth); j < N && j * cellWidth < x + 1; j++) {
          row[j] += luma * overlap(x, j, cellWidth);
        }
      }
      for (int i = (int) (y / cellHeight); i < N && i * cellHeight < y + 1; i++) {
        double weight = overlap(y, i, cellHeight);
        for (int j = 0; j < N; j++) {
          out[i * N + j] += weight * row[j];
        }
      }
    }
    return out;
  }

  /** Fraction of cell {@code j} (of size {@code cell}) covered by source pixel {@code [x, x+1)}. */
  private static double overlap(int x, int j, double cell) {
    double covered = Math.min((j + 1) * cell, x + 1.0) - Math.max(j * cell, x);
    return covered > 0.0 ? covered / cell : 0.0;
  }
}
