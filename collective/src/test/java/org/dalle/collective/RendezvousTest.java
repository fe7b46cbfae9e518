package org.dalle.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousTest {

  @Test
  void torchrunVariablesGiveRankWorldAndMaster() {
    Rendezvous r =
        Rendezvous.fromEnvironment(
            Map.of(
                "RANK", "1", "WORLD_SIZE", "4", "MASTER_ADDR", "10.0.0.5", "MASTER_PORT", "29600"));
    assertEquals(new Rendezvous(1, 4, "10.0.0.5", 29600), r);
    assertTrue(r.isDistributed());
    assertFalse(r.isLoopback());
  }

  @Test
  void anIndexedJobsCompletionIndexIsTheRankAndThePortDefaults() {
    Rendezvous r =
        Rendezvous.fromEnvironment(
            Map.of(
                "JOB_COMPLETION_INDEX", "3",
                "WORLD_SIZE", "8",
                "MASTER_ADDR", "dalle-train-transformer-0.dalle-train-transformer"));
    assertEquals(3, r.rank());
    assertEquals(Rendezvous.DEFAULT_PORT, r.masterPort());
  }

  @Test
  void withoutAWorldSizeTheProcessRunsAlone() {
    Rendezvous r = Rendezvous.fromEnvironment(Map.of("RANK", "5"));
    assertEquals(new Rendezvous(0, 1, "127.0.0.1", Rendezvous.DEFAULT_PORT), r);
    assertFalse(r.isDistributed());
  }

  @Test
  void badOrMissingVariablesAreNamed() {
    IllegalArgumentException noRank =
        assertThrows(
            IllegalArgumentException.class,
            () -> Rendezvous.fromEnvironment(Map.of("WORLD_SIZE", "2", "MASTER_ADDR", "h")));
    assertTrue(noRank.getMessage().contains("JOB_COMPLETION_INDEX"), noRank.getMessage());
    IllegalArgumentException outside =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Rendezvous.fromEnvironment(
                    Map.of("RANK", "2", "WORLD_SIZE", "2", "MASTER_ADDR", "h")));
    assertTrue(outside.getMessage().contains("RANK is 2; expected 0 to 1"), outside.getMessage());
    IllegalArgumentException notANumber =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Rendezvous.fromEnvironment(
                    Map.of("RANK", "x", "WORLD_SIZE", "2", "MASTER_ADDR", "h")));
    assertTrue(notANumber.getMessage().contains("RANK is 'x'"), notANumber.getMessage());
  }
}
