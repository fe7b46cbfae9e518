package org.dalle.jobs.distributed;

import java.util.ArrayList;
import java.util.List;

/**
 * Arrays laid end to end in one flat byte space and cut into buckets of at most {@code
 * bucketBytes}; an array may span buckets. Each bucket is one collective on one slot of the shared
 * segment, so a model of any size goes through a segment of a few buckets.
 */
final class Buckets {

  /**
   * A run of bytes of one array inside a bucket.
   *
   * @param array the array's index
   * @param arrayOffset where the run starts in the array
   * @param bucketOffset where it lies in the bucket
   * @param bytes its length
   */
  record Piece(int array, long arrayOffset, long bucketOffset, long bytes) {}

  /**
   * One bucket.
   *
   * @param bytes its length (at most the bucket size)
   * @param pieces the runs that fill it, in order
   */
  record Bucket(long bytes, List<Piece> pieces) {}

  private Buckets() {}

  /**
   * Cuts arrays of {@code arrayBytes} bytes into buckets.
   *
   * @param bucketBytes the largest bucket, a positive multiple of 8
   */
  static List<Bucket> cut(long[] arrayBytes, long bucketBytes) {
    if (bucketBytes <= 0 || bucketBytes % 8 != 0) {
      throw new IllegalArgumentException(
          "bucket size " + bucketBytes + " bytes; expected a positive multiple of 8");
    }
    List<Bucket> buckets = new ArrayList<>();
    List<Piece> pieces = new ArrayList<>();
    long filled = 0;
    for (int array = 0; array < arrayBytes.length; array++) {
      long done = 0;
      while (done < arrayBytes[array]) {
        long run = Math.min(arrayBytes[array] - done, bucketBytes - filled);
        pieces.add(new Piece(array, done, filled, run));
        done += run;
        filled += run;
        if (filled == bucketBytes) {
          buckets.add(new Bucket(filled, List.copyOf(pieces)));
          pieces.clear();
          filled = 0;
        }
      }
    }
    if (filled > 0) {
      buckets.add(new Bucket(filled, List.copyOf(pieces)));
    }
    return buckets;
  }
}
