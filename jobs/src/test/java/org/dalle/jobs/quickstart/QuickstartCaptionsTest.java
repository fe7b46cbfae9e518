package org.dalle.jobs.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.dalle.jobs.quickstart.QuickstartCaptions.Caption;
import org.junit.jupiter.api.Test;

class QuickstartCaptionsTest {

  @Test
  void heldOutPairsAlternateWithASeenPairOfTheSameColour() {
    assertEquals(
        List.of(
            new Caption("a large red triangle", true),
            new Caption("a large red circle", false),
            new Caption("a large orange cross", true),
            new Caption("a large orange circle", false),
            new Caption("a large yellow circle", true),
            new Caption("a large yellow square", false)),
        QuickstartCaptions.of(
            List.of("red triangle", "orange cross", "yellow circle", "blue star")));
  }

  @Test
  void noHeldOutPairsUsesTheDefaultList() {
    assertEquals(
        new Caption("a large red triangle", true), QuickstartCaptions.of(List.of()).get(0));
  }
}
