package org.dalle.jobs.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.dalle.jobs.cli.DalleCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SideProcessTest {
  private static final String MAIN = DalleCommand.class.getName();

  @TempDir Path dir;

  @Test
  void theChildRunsTheHiddenCommandOfThisJarWithThisJvmsSettings() {
    List<String> command = SideProcess.command(MAIN, dir, true);
    assertTrue(command.get(0).endsWith("java"), command.get(0));
    int cp = command.indexOf("-cp");
    assertEquals(System.getProperty("java.class.path"), command.get(cp + 1));
    assertEquals(
        List.of(
            DalleCommand.class.getName(),
            "quickstart-side",
            "--run-dir",
            dir.toString(),
            "--fresh"),
        command.subList(cp + 2, command.size()));
    assertFalse(
        command.stream().anyMatch(a -> a.startsWith("-agentlib") || a.startsWith("-javaagent")),
        command.toString());
    assertFalse(SideProcess.command(MAIN, dir, false).contains("--fresh"));
  }

  @Test
  void aChildThatFailsReportsItsExitCodeAndItsLog() throws Exception {
    // No data/ in the run directory: the child exits with 2 and says what to run.
    try (SideProcess side = SideProcess.start(MAIN, dir, false)) {
      assertEquals(2, side.await());
      assertFalse(side.isAlive());
      String tail = side.tail(5);
      assertTrue(tail.contains("does not exist"), tail);
      assertTrue(tail.contains("dalle quickstart"), tail);
      assertEquals(dir.resolve(SideProcess.LOG_FILE), side.log());
    }
  }
}
