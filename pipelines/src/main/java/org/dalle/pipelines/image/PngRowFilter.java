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

  /** Filters {@code pixels} (row-major packed RGB) into {@code height} rows of 1 + 3w bytes. */
  byte[] apply(int[] pixels, int width, int height) {
    int rowBytes = 3 * width;
    byte[] out = new byte[(rowBytes + 1) * height];
    byte[] previous = new byte[rowBytes]; // the row above the first is all zeros
    byte[] current = new byte[rowBytes];
    byte[] candidate = this == ADAPTIVE ? new byte[rowBytes] : null;
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
        for (PngRowFilter filter : FIXED) {
          filter.filterRow(current, previous, candidate, 0);
          long cost = sumOfMagnitudes(candidate);
          if (cost < best) {
            best = cost;
            out[at] = (byte) filter.type();
            System.arraycopy(candidate, 0, out, at + 1, rowBytes);
          }
        }
      } else {
        out[at] = (byte) type();
        filterRow(current, previous, out, at + 1);
      }
      byte[] swap = previous;
      previous = current;
      current = swap;
    }
    return out;
  }

  private static final PngRowFilter[] FIXED = {NONE, SUB, UP, PAETH};

  /** The filter-type byte written before each row. */
  private int type() {
    return switch (this) {
      case NONE -> 0;
      case SUB -> 1;
      case UP -> 2;
      case PAETH -> 4;
      case ADAPTIVE -> throw new IllegalStateException("ADAPTIVE picks a type per row");
    };
  }

  /** Writes the filtered bytes of {@code row} (above it: {@code above}) at {@code out[at..]}. */
  private void filterRow(byte[] row, byte[] above, byte[] out, int at) {
    int n = row.length;
    switch (this) {
      case NONE -> System.arraycopy(row, 0, out, at, n);
      case SUB -> {
        System.arraycopy(row, 0, out, at, Math.min(3, n));
        for (int i = 3; i < n; i++) {
          out[at + i] = (byte) (row[i] - row[i - 3]);
        }
      }
      case UP -> {
        for (int i = 0; i < n; i++) {
          out[at + i] = (byte) (row[i] - above[i]);
        }
      }
      case PAETH -> {
        for (int i = 0; i < Math.min(3, n); i++) {
          out[at + i] = (byte) (row[i] - above[i]); // Paeth with no left pixel predicts "above"
        }
        for (int i = 3; i < n; i++) {
          int predictor = paeth(row[i - 3] & 0xFF, above[i] & 0xFF, above[i - 3] & 0xFF);
          out[at + i] = (byte) (row[i] - predictor);
        }
      }
      case ADAPTIVE -> throw new IllegalStateException("ADAPTIVE filters through the others");
    }
  }

  /** libpng's heuristic: residuals read as signed bytes, smaller magnitudes compress better. */
  private static long sumOfMagnitudes(byte[] residuals) {
    long sum = 0;
    for (byte r : residuals) {
      sum += Math.abs(r);
    }
    return sum;
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

  /**
   * The Paeth predictor of left {@code a}, above {@code b} and upper-left {@code c}: whichever is
   * closest to {@code a + b - c}, ties going to a, then b. Written with conditional selects rather
   * than branches, which noisy photographs would mispredict.
   */
  private static int paeth(int a, int b, int c) {
    int pa = Math.abs(b - c); // |p - a|
    int pb = Math.abs(a - c); // |p - b|
    int pc = Math.abs(a + b - 2 * c); // |p - c|
    int bOrC = pb <= pc ? b : c;
    return pa <= Math.min(pb, pc) ? a : bOrC;
  }
}
