package org.dalle.jobs.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class GradientOwnersTest {

  @Test
  void eachGradientGoesToTheLeastLoadedLocalRankLargestFirst() {
    long[] sizes = {12, 12, 4, 100, 3};
    // 100 to 0; then 1 has less, so the rest go to 1.
    assertArrayEquals(new int[] {1, 1, 1, 0, 1}, GradientOwners.assign(sizes, 2));
    // 100 to 0, 12 to 1, 12 to 2, 4 to 1 (tie with 2: the lower), 3 to 2.
    assertArrayEquals(new int[] {1, 2, 1, 0, 2}, GradientOwners.assign(sizes, 3));
    assertArrayEquals(new int[] {0, 0, 0, 0, 0}, GradientOwners.assign(sizes, 1));
  }
}
