package org.dalle.jobs.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptionNegativesTest {

  private static final CaptionNegatives SWAPS =
      new CaptionNegatives(
          List.of(
              List.of("red", "blue", "green"),
              List.of("circle", "square"),
              List.of("left", "right")));

  @Test
  void swapsExactlyOneWordForAnotherOfItsGroup() {
    String caption = "a red circle to the left of a blue square";
    String[] words = caption.split(" ");
    Set<String> seen = new HashSet<>();
    Random random = new Random(0);
    for (int i = 0; i < 500; i++) {
      String negative = SWAPS.negative(caption, random).orElseThrow();
      String[] swapped = negative.split(" ");
      assertEquals(words.length, swapped.length, negative);
      int changed = 0;
      for (int w = 0; w < words.length; w++) {
        if (!words[w].equals(swapped[w])) {
          changed++;
          assertTrue(
              Set.of("red", "blue", "green").containsAll(Set.of(words[w], swapped[w]))
                  || Set.of("circle", "square").containsAll(Set.of(words[w], swapped[w]))
                  || Set.of("left", "right").containsAll(Set.of(words[w], swapped[w])),
              words[w] + " became " + swapped[w]);
        }
      }
      assertEquals(1, changed, negative);
      seen.add(negative);
    }
    // every position and every replacement turns up: 2 colours x 2 others, 2 shapes, 1 relation
    assertEquals(7, seen.size(), seen.toString());
  }

  @Test
  void wholeWordsOnlyAndCaptionsWithoutThemGiveNone() {
    Random random = new Random(1);
    assertEquals(Optional.empty(), SWAPS.negative("three reddish circles", random));
    String upper = SWAPS.negative("a RED cross", new Random(2)).orElseThrow();
    assertTrue(Set.of("a blue cross", "a green cross").contains(upper), upper);
    assertNotEquals("a red cross", SWAPS.negative("a red cross", random).orElseThrow());
  }

  @Test
  void malformedGroupsAreNamed() {
    assertEquals(
        "negative_swaps names 'red' in two groups; expected each word in one group",
        assertThrows(
                IllegalArgumentException.class,
                () -> new CaptionNegatives(List.of(List.of("red", "blue"), List.of("red", "pink"))))
            .getMessage());
    assertEquals(
        "negative_swaps group 0 holds 'top left'; expected single words of letters",
        assertThrows(
                IllegalArgumentException.class,
                () -> new CaptionNegatives(List.of(List.of("top left", "top right"))))
            .getMessage());
    assertEquals(
        "negative_swaps group 0 holds 'red' twice",
        assertThrows(
                IllegalArgumentException.class,
                () -> new CaptionNegatives(List.of(List.of("red", "Red"))))
            .getMessage());
    assertTrue(new CaptionNegatives(List.of()).isEmpty());
  }
}
