package org.dalle.pipelines.image;

/**
 * PNG scanline filters (PNG specification §9) for 8-bit RGB rows, applied to every row of an image.
 * Filtering turns smooth photographic rows into small residuals that deflate compresses well.
 */
public enum PngRowFilter {
  /** Filter type 0: raw bytes. */
  NONE,
  /** Filter type 1: difference to the pixel on the left. */
  SUB,
  /** Filter type 2: difference to the pixel above. */
  UP,
  /** Filter type 4: difference to the Paeth predictor of left, above and upper-left. */
  PAETH,
  /**
   * Per row, whichever of the four filters gives the smallest sum of absolute residuals (libpng's
   * heuristic).
   */
  ADAPTIVE;

  /** The filter of {@link PngCodec#encode(java.awt.image.BufferedImage)}, see the benchmark. */
  public static final PngRowFilter DEFAULT = UP;

  /** Filters {@code pixels} (row-major packed RGB) into {@code height} rows of 1 + 3w bytes. */
  byte[] apply(int[] pixels, int width, int height) {
    int rowBytes = 3 * width;
    byte[] out = new byte[(rowBytes + 1) * height];
    byte[] previous = new byte[rowBytes]; // the row above the first is all zeros
    byte[] current = new byte[rowBytes];
    byte[][] candidates = this == ADAPTIVE ? new byte[4][rowBytes] : null;
    for (int y = 0; y < height; y++) {
      for (int x = 0, i = 0; x < width; x++, i += 3) {
        int p = pixels[y * width + x];
        current[i] = (byte) (p >>> 16);
        current[i + 1] = (byte) (p >>> 8);
        current[i + 2] = (byte) p;
      }
      int at = y * (rowBytes + 1);
      if (this == ADAPTIVE) {
        long best = Long.MAX_VALUE;
        int bestType = 0;
        for (int type = 0; type < 4; type++) {
          long cost = filterRow(TYPES[type], current, previous, candidates[type], 0);
          if (cost < best) {
            best = cost;
            bestType = type;
          }
        }
        out[at] = (byte) TYPES[bestType];
        System.arraycopy(candidates[bestType], 0, out, at + 1, rowBytes);
      } else {
        int type = TYPES[ordinal()];
        out[at] = (byte) type;
        filterRow(type, current, previous, out, at + 1);
      }
      byte[] swap = previous;
      previous = current;
      current = swap;
    }
    return out;
  }

  private static final int[] TYPES = {0, 1, 2, 4};

  /** Writes filtered bytes of one row at {@code out[at..]}; returns the sum of |residual|. */
  private static long filterRow(int type, byte[] row, byte[] above, byte[] out, int at) {
    long cost = 0;
    for (int i = 0; i < row.length; i++) {
      int left = i >= 3 ? row[i - 3] & 0xFF : 0;
      int up = above[i] & 0xFF;
      int predictor =
          switch (type) {
            case 0 -> 0;
            case 1 -> left;
            case 2 -> up;
            default -> paeth(left, up, i >= 3 ? above[i - 3] & 0xFF : 0);
          };
      byte residual = (byte) ((row[i] & 0xFF) - predictor);
      out[at + i] = residual;
      cost += Math.abs(residual);
    }
    return cost;
  }

  /**
   * Reverses any of the five PNG filter types (including type 3, Average, which other encoders use)
   * in place of {@code height} rows of 1 + 3w bytes and packs the result into {@code pixels}.
   */
  static void unfilter(byte[] data, int width, int height, int[] pixels) {
    int rowBytes = 3 * width;
    byte[] previous = new byte[rowBytes];
    byte[] current = new byte[rowBytes];
    for (int y = 0; y < height; y++) {
      int at = y * (rowBytes + 1);
      int type = data[at];
      for (int i = 0; i < rowBytes; i++) {
        int raw = data[at + 1 + i] & 0xFF;
        int left = i >= 3 ? current[i - 3] & 0xFF : 0;
        int up = previous[i] & 0xFF;
        int predictor =
            switch (type) {
              case 0 -> 0;
              case 1 -> left;
              case 2 -> up;
              case 3 -> (left + up) >>> 1;
              case 4 -> paeth(left, up, i >= 3 ? previous[i - 3] & 0xFF : 0);
              default ->
                  throw new IllegalArgumentException(
                      "PNG row " + y + " has filter type " + type + "; expected 0..4");
            };
        current[i] = (byte) (raw + predictor);
      }
      for (int x = 0, i = 0; x < width; x++, i += 3) {
        pixels[y * width + x] =
            ((current[i] & 0xFF) << 16) | ((current[i + 1] & 0xFF) << 8) | (current[i + 2] & 0xFF);
      }
      byte[] swap = previous;
      previous = current;
      current = swap;
    }
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    if (pa <= pb && pa <= pc) {
      return a;
    }
    return pb <= pc ? b : c;
  }
}
