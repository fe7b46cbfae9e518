package org.dalle.jobs.dvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CodebookStatsTest {

  @Test
  void evenUseHasPerplexityEqualToUsage() {
    CodebookStats stats = CodebookStats.of(new int[] {0, 1, 2, 3, 3, 2, 1, 0}, 16);
    assertEquals(4, stats.usage());
    assertEquals(4.0, stats.perplexity(), 1e-12);
  }

  @Test
  void oneCodeEverywhereHasPerplexityOne() {
    assertEquals(new CodebookStats(1, 1.0), CodebookStats.of(new int[] {5, 5, 5}, 8));
  }

  @Test
  void unevenUseMatchesTheEntropyByHand() {
    // p = (3/4, 1/4): H = -(0.75 ln 0.75 + 0.25 ln 0.25)
    double h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    CodebookStats stats = CodebookStats.of(new int[] {1, 1, 1, 7}, 8);
    assertEquals(2, stats.usage());
    assertEquals(Math.exp(h), stats.perplexity(), 1e-12);
  }

  @Test
  void codesOutsideTheCodebookAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> CodebookStats.of(new int[] {8}, 8));
  }
}
