package org.dalle.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The model reproduces the paper's memory and compression figures. */
class PaperChecksTest {

  @Test
  void everyCheckAgrees() {
    List<PaperCheck> checks = PaperChecks.run();
    assertEquals(7, checks.size());
    for (PaperCheck check : checks) {
      assertTrue(check.agrees(), check.toString());
    }
  }

  @Test
  void theFiguresAreThePapers() {
    List<PaperCheck> checks = PaperChecks.run();
    assertTrue(checks.get(0).model().startsWith("24.6 GB"), checks.get(0).model());
    assertTrue(checks.get(3).model().startsWith("83.3%"), checks.get(3).model());
    assertTrue(checks.get(4).model().startsWith("85.1%"), checks.get(4).model());
    assertTrue(checks.get(5).model().startsWith("85.9%"), checks.get(5).model());
    assertTrue(checks.get(6).model().startsWith("84.5%"), checks.get(6).model());
    assertTrue(checks.get(6).model().contains("69.9% counting whole matrices"));
  }

  @Test
  void shardingIsWhatMakesThe12BModelFit() {
    ClusterPlanConfig paper = ClusterPlanConfig.paper();
    ClusterPlanConfig noEma =
        new ClusterPlanConfig(
            paper.model(), paper.precision(), false, 1024, 16, 1.0, 8, 128, 100, 12.5, 896);
    assertTrue(ClusterPlanner.row(noEma, Strategy.STAGE_3).fits());
    for (Strategy unsharded : List.of(Strategy.DATA_PARALLEL, Strategy.STAGE_1, Strategy.STAGE_2)) {
      assertTrue(!ClusterPlanner.row(noEma, unsharded).fits(), unsharded.label());
    }
  }
}
