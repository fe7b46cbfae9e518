package org.dalle.pipelines.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptionChoiceTest {
  @Test
  void dependsOnlyOnSeedKeyAndCount() {
    for (int i = 0; i < 100; i++) {
      String key = "image-" + i;
      assertEquals(CaptionChoice.index(3, key, 5), CaptionChoice.index(3, key, 5));
    }
  }

  @Test
  void staysInRangeAndUsesEveryIndexAcrossItems() {
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int index = CaptionChoice.index(0, Integer.toString(i), 5);
      assertTrue(index >= 0 && index < 5, "index " + index);
      used.add(index);
    }
    assertEquals(Set.of(0, 1, 2, 3, 4), used);
  }

  @Test
  void anotherSeedChangesTheChoiceForSomeItems() {
    int changed = 0;
    for (int i = 0; i < 200; i++) {
      String key = Integer.toString(i);
      if (CaptionChoice.index(0, key, 5) != CaptionChoice.index(1, key, 5)) {
        changed++;
      }
    }
    // Independent choices agree 1 time in 5, so about 160 of 200 differ.
    assertTrue(changed > 120 && changed < 190, "changed " + changed);
  }

  @Test
  void aSingleCaptionIsAlwaysChosenAndNoneIsAnError() {
    assertEquals(0, CaptionChoice.index(42, "x", 1));
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> CaptionChoice.index(0, "img", 0));
    assertEquals("need at least one caption to choose from for 'img', got 0", none.getMessage());
  }
}
