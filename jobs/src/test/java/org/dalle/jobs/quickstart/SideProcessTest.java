package org.dalle.jobs.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.dalle.jobs.cli.DalleCommand;
import org.dalle.jobs.cli.LoggingOptionsAccess;
import org.dalle.jobs.logging.ConsoleLog;
import org.dalle.jobs.logging.Verbosity;
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
  void theChildSaysAsMuchAsThisProcess() {
    try {
      ConsoleLog.setVerbosity(Verbosity.QUIET);
      List<String> quiet = SideProcess.command(MAIN, dir, false);
      assertEquals("--quiet", quiet.get(quiet.size() - 1));
      List<String> childArgs = quiet.subList(quiet.indexOf(MAIN) + 1, quiet.size());
      assertEquals(
          Verbosity.QUIET,
          LoggingOptionsAccess.verbosity(childArgs.toArray(String[]::new)),
          childArgs.toString());
      ConsoleLog.setVerbosity(Verbosity.VERBOSE);
      List<String> verbose = SideProcess.command(MAIN, dir, false);
      assertEquals("--verbose", verbose.get(verbose.size() - 1));
    } finally {
      ConsoleLog.setVerbosity(Verbosity.NORMAL);
    }
    List<String> normal = SideProcess.command(MAIN, dir, false);
    assertFalse(normal.contains("--quiet") || normal.contains("--verbose"), normal.toString());
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
