package org.dalle.pipelines.prepare;

/**
 * Splits a 64-bit perceptual hash into {@code threshold + 1} contiguous bit bands. By the
 * pigeonhole principle, two hashes within Hamming distance {@code threshold} differ in at most
 * {@code threshold} bands, so they agree exactly on at least one band: grouping by (band index,
 * band value) finds every near-duplicate pair without comparing all pairs, and misses none.
 */
public final class HammingBands implements java.io.Serializable {
  private final int threshold;
  private final int[] starts;
  private final int[] widths;

  public HammingBands(int threshold) {
    if (threshold < 0 || threshold > 31) {
      throw new IllegalArgumentException(
          "near-duplicate Hamming threshold must be in [0, 31] bits of a 64-bit hash, got "
              + threshold);
    }
    this.threshold = threshold;
    int bands = threshold + 1;
    starts = new int[bands];
    widths = new int[bands];
    int start = 0;
    for (int b = 0; b < bands; b++) {
      // Spread the 64 bits as evenly as possible; the first (64 % bands) bands get one extra bit.
      widths[b] = 64 / bands + (b < 64 % bands ? 1 : 0);
      starts[b] = start;
      start += widths[b];
    }
  }

  public int threshold() {
    return threshold;
  }

  public int bandCount() {
    return starts.length;
  }

  /** The bucket key of {@code hash} in band {@code band}: the band index and the band's bits. */
  public String bucket(long hash, int band) {
    long mask = widths[band] == 64 ? -1L : (1L << widths[band]) - 1;
    long bits = (hash >>> starts[band]) & mask;
    return band + ":" + Long.toHexString(bits);
  }

  public static int distance(long a, long b) {
    return Long.bitCount(a ^ b);
  }

  public boolean isNear(long a, long b) {
    return distance(a, b) <= threshold;
  }
}
