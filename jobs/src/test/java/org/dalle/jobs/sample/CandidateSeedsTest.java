package org.dalle.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidateSeedsTest {
  @Test
  void seedsAreStableAndDistinctPerSeedCaptionAndCandidate() {
    // The first 8 bytes of sha256("0/abc/0"), fixed so that recorded seeds stay reproducible.
    assertEquals(-4212985648528462330L, CandidateSeeds.of(0, "abc", 0));
    Set<Long> seeds = new HashSet<>();
    for (long seed : new long[] {0, 1}) {
      for (String id : new String[] {"abc", "abd"}) {
        for (int candidate = 0; candidate < 4; candidate++) {
          seeds.add(CandidateSeeds.of(seed, id, candidate));
        }
      }
    }
    assertEquals(16, seeds.size());
  }
}
