package org.dalle.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopCandidatesTest {

  private static List<Integer> order(TopCandidates<String> top) {
    return top.ranked().stream().map(TopCandidates.Ranked::candidate).toList();
  }

  @Test
  void keepsTheHighestScoresTiesByCandidateIndex() {
    TopCandidates<String> top = new TopCandidates<>(3);
    float[] scores = {0.5f, 2f, 0.5f, -1f, 2f, 0.7f};
    for (int i = 0; i < scores.length; i++) {
      top.offer(i, scores[i], "image " + i);
    }
    assertEquals(List.of(1, 4, 5), order(top));
    assertEquals("image 4", top.ranked().get(1).payload());
    assertEquals(2f, top.ranked().get(1).score());

    // The same candidates offered in another order rank the same.
    TopCandidates<String> reversed = new TopCandidates<>(3);
    for (int i = scores.length - 1; i >= 0; i--) {
      reversed.offer(i, scores[i], "image " + i);
    }
    assertEquals(List.of(1, 4, 5), order(reversed));

    TopCandidates<String> ties = new TopCandidates<>(2);
    for (int i : new int[] {3, 0, 2}) {
      ties.offer(i, 1f, "");
    }
    assertEquals(List.of(0, 2), order(ties));
  }

  @Test
  void withoutScoresKeepsTheFirstInIndexOrder() {
    TopCandidates<String> top = new TopCandidates<>(2);
    top.offer(2, null, "");
    top.offer(0, null, "");
    top.offer(1, null, "");
    assertEquals(List.of(0, 1), order(top));
  }

  @Test
  void rejectsNonFiniteAndMixedScores() {
    TopCandidates<String> top = new TopCandidates<>(2);
    IllegalArgumentException nan =
        assertThrows(IllegalArgumentException.class, () -> top.offer(4, Float.NaN, ""));
    assertTrue(nan.getMessage().contains("candidate 4 NaN"), nan.getMessage());
    top.offer(0, 1f, "");
    assertThrows(IllegalArgumentException.class, () -> top.offer(1, null, ""));
    assertThrows(IllegalArgumentException.class, () -> new TopCandidates<String>(0));
  }
}
