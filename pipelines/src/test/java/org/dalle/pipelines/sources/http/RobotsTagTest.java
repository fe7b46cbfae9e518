package org.dalle.pipelines.sources.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RobotsTagTest {
  @Test
  void findsAiOptOutsInAnyValueAnyCaseWithOrWithoutABotPrefix() {
    assertEquals(Optional.of("noai"), RobotsTag.aiOptOut(List.of("noai")));
    assertEquals(Optional.of("noimageai"), RobotsTag.aiOptOut(List.of("NoImageAI")));
    assertEquals(Optional.of("noai"), RobotsTag.aiOptOut(List.of("noindex", "nofollow, noai")));
    assertEquals(
        Optional.of("noimageai"), RobotsTag.aiOptOut(List.of("otherbot: noimageai, nofollow")));
    assertEquals(Optional.of("noai"), RobotsTag.aiOptOut(List.of("googlebot:noai")));
  }

  @Test
  void otherDirectivesAndLookalikesAreNotOptOuts() {
    assertEquals(Optional.empty(), RobotsTag.aiOptOut(List.of()));
    assertEquals(Optional.empty(), RobotsTag.aiOptOut(List.of("noindex, nofollow", "none")));
    assertEquals(
        Optional.empty(),
        RobotsTag.aiOptOut(List.of("noaiwhatever", "unavailable_after: 25 Jun 2010 15:00:00 PST")));
  }
}
