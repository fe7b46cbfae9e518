package org.dalle.jobs.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.dalle.collective.NodeLayout;
import org.junit.jupiter.api.Test;

/** What the ranks check and say before any helper starts. */
class TrainingRanksTest {

  private static final Map<String, String> RANK_0_OF_4 =
      Map.of("RANK", "0", "WORLD_SIZE", "4", "MASTER_ADDR", "127.0.0.1");

  @Test
  void ranksPerNodeThatDoNotDivideTheWorldSizeAreRefusedNamingBoth() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TrainingRanks.fromEnvironment(RANK_0_OF_4, 0, 3));
    assertEquals(
        "ranks per node is 3, which does not divide the world size 4; expected one of [1, 2, 4]",
        e.getMessage());
  }

  @Test
  void torchrunsLocalWorldSizeIsCheckedTheSameWay() {
    Map<String, String> env = new HashMap<>(RANK_0_OF_4);
    env.put(NodeLayout.LOCAL_WORLD_SIZE, "8");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TrainingRanks.fromEnvironment(env, 0, 0));
    assertTrue(e.getMessage().startsWith("ranks per node is 8,"), e.getMessage());
  }

  @Test
  void theLogSaysWhichAllReducePowerSgdCompresses() {
    assertTrue(
        TrainingRanks.powerSgdArrangement(new NodeLayout(4, 2), 4)
            .contains("between 2 machines of 2 ranks"));
    assertTrue(
        TrainingRanks.powerSgdArrangement(NodeLayout.oneMachine(4), 4)
            .contains("one machine of 4 ranks: PowerSGD compresses the all-reduce among its own"));
    assertTrue(
        TrainingRanks.powerSgdArrangement(new NodeLayout(4, 1), 4)
            .contains("4 machines of one rank"));
  }
}
