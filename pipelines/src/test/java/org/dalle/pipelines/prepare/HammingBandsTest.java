package org.dalle.pipelines.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HammingBandsTest {
  @Test
  void bandsCoverAll64BitsOnce() {
    HammingBands bands = new HammingBands(8);
    assertEquals(9, bands.bandCount());
    // A hash with a single bit set lands in a non-zero bucket of exactly one band.
    for (int bit = 0; bit < 64; bit++) {
      int nonZero = 0;
      for (int b = 0; b < bands.bandCount(); b++) {
        if (!bands.bucket(1L << bit, b).endsWith(":0")) {
          nonZero++;
        }
      }
      assertEquals(1, nonZero, "bit " + bit);
    }
  }

  @Test
  void everyPairWithinThresholdSharesABucket() {
    Random random = new Random(7);
    for (int threshold : new int[] {0, 3, 8, 12}) {
      HammingBands bands = new HammingBands(threshold);
      for (int trial = 0; trial < 2000; trial++) {
        long a = random.nextLong();
        long b = a;
        int flips = random.nextInt(threshold + 1);
        Set<Integer> flipped = new HashSet<>();
        while (flipped.size() < flips) {
          flipped.add(random.nextInt(64));
        }
        for (int bit : flipped) {
          b ^= 1L << bit;
        }
        assertTrue(bands.isNear(a, b));
        boolean shared = false;
        for (int band = 0; band < bands.bandCount(); band++) {
          shared |= bands.bucket(a, band).equals(bands.bucket(b, band));
        }
        assertTrue(
            shared,
            "threshold " + threshold + ": pair at distance " + flips + " not bucketed together");
      }
    }
  }

  @Test
  void distanceIsPopcountOfXor() {
    assertEquals(0, HammingBands.distance(0x1234L, 0x1234L));
    assertEquals(64, HammingBands.distance(0L, -1L));
    assertEquals(2, HammingBands.distance(0b1010L, 0b0000L));
    assertFalse(new HammingBands(1).isNear(0L, 0b111L));
  }

  @Test
  void rejectsThresholdOutOfRange() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new HammingBands(40));
    assertTrue(e.getMessage().contains("40"));
  }
}
