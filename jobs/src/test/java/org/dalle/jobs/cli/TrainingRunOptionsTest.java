package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrainingRunOptionsTest {

  private static Map<String, Object> overrides(String... args) {
    TrainingRunOptions options = new TrainingRunOptions();
    new CommandLine(options).parseArgs(args);
    Map<String, Object> overrides = new HashMap<>();
    options.putOverrides(overrides);
    return overrides;
  }

  @Test
  void ranksPerNodeOverridesTheConfigKeyOnlyWhenGiven() {
    assertEquals(2, overrides("--nproc", "4", "--ranks-per-node", "2").get("ranks_per_node"));
    assertFalse(overrides("--nproc", "4").containsKey("ranks_per_node"));
  }
}
