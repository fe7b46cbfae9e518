package org.dalle.jobs.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.dalle.jobs.distributed.Buckets.Bucket;
import org.dalle.jobs.distributed.Buckets.Piece;
import org.junit.jupiter.api.Test;

class BucketsTest {

  @Test
  void arraysFillBucketsInOrderAndALargeArraySpansSeveral() {
    assertEquals(
        List.of(
            new Bucket(24, List.of(new Piece(0, 0, 0, 8), new Piece(1, 0, 8, 16))),
            new Bucket(24, List.of(new Piece(1, 16, 0, 24))),
            new Bucket(16, List.of(new Piece(2, 0, 0, 16)))),
        Buckets.cut(new long[] {8, 40, 16}, 24));
  }

  @Test
  void everyByteIsInExactlyOneBucket() {
    long[] sizes = {4, 1000, 12, 0, 512, 8};
    long total = 0;
    for (Bucket bucket : Buckets.cut(sizes, 256)) {
      long inBucket = 0;
      for (Piece piece : bucket.pieces()) {
        assertEquals(inBucket, piece.bucketOffset());
        inBucket += piece.bytes();
      }
      assertEquals(bucket.bytes(), inBucket);
      total += inBucket;
    }
    assertEquals(4 + 1000 + 12 + 512 + 8, total);
  }

  @Test
  void bucketsMustHoldWholeDoubles() {
    assertThrows(IllegalArgumentException.class, () -> Buckets.cut(new long[] {4}, 12));
  }
}
