package org.dalle.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeLayoutTest {

  @Test
  void ranksLieOnMachinesInConsecutiveRuns() {
    NodeLayout layout = new NodeLayout(8, 4);
    assertEquals(2, layout.nodes());
    assertEquals(1, layout.node(5));
    assertEquals(1, layout.localRank(5));
    assertEquals(4, layout.size(CollectiveGroup.NODE));
    assertEquals(2, layout.size(CollectiveGroup.CROSS));
    assertEquals(1, layout.rankIn(CollectiveGroup.CROSS, 5));
    assertEquals(5, layout.rankIn(CollectiveGroup.WORLD, 5));
    assertTrue(layout.isHierarchical());
    assertFalse(NodeLayout.oneMachine(8).isHierarchical());
    assertFalse(new NodeLayout(8, 1).isHierarchical());
  }

  @Test
  void theFlagWinsOverLocalWorldSizeWhichWinsOverOneMachine() {
    Map<String, String> env = Map.of(NodeLayout.LOCAL_WORLD_SIZE, "2");
    assertEquals(new NodeLayout(4, 1), NodeLayout.resolve(env, 1, 4));
    assertEquals(new NodeLayout(4, 2), NodeLayout.resolve(env, 0, 4));
    assertEquals(new NodeLayout(4, 4), NodeLayout.resolve(Map.of(), 0, 4));
  }

  @Test
  void aCountThatDoesNotDivideTheWorldSizeIsRefusedWithBothValues() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NodeLayout.resolve(Map.of(), 3, 4));
    assertEquals(
        "ranks per node is 3, which does not divide the world size 4; expected one of [1, 2, 4]",
        e.getMessage());
    IllegalArgumentException local =
        assertThrows(
            IllegalArgumentException.class,
            () -> NodeLayout.resolve(Map.of(NodeLayout.LOCAL_WORLD_SIZE, "x"), 0, 4));
    assertTrue(local.getMessage().startsWith("LOCAL_WORLD_SIZE is 'x'"), local.getMessage());
  }
}
