package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedsTest {

  @Test
  void stepSeedsArePureAndDistinct() {
    assertEquals(Seeds.stepSeed(7, 1234), Seeds.stepSeed(7, 1234));
    Set<Integer> seeds = new HashSet<>();
    for (long step = 0; step < 1000; step++) {
      seeds.add(Seeds.stepSeed(7, step));
    }
    assertEquals(1000, seeds.size());
    assertNotEquals(Seeds.stepSeed(7, 0), Seeds.stepSeed(8, 0));
  }

  @Test
  void epochOrderReplays() {
    assertEquals(Seeds.epochRandom(7, 3).nextLong(), Seeds.epochRandom(7, 3).nextLong());
    assertNotEquals(Seeds.epochRandom(7, 3).nextLong(), Seeds.epochRandom(7, 4).nextLong());
  }
}
