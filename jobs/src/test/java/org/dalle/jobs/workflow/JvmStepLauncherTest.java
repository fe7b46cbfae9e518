package org.dalle.jobs.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import org.dalle.jobs.cli.DalleCommand;
import org.dalle.jobs.cli.LoggingOptionsAccess;
import org.dalle.jobs.logging.ConsoleLog;
import org.dalle.jobs.logging.Verbosity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local workflow's step runs as {@code dalle ARGS} in a new JVM that says as much as this one.
 */
class JvmStepLauncherTest {
  private static final List<String> STEP = List.of("train-dvae", "--config", "configs/x.yaml");

  @TempDir Path dir;

  @AfterEach
  void restore() {
    ConsoleLog.setVerbosity(Verbosity.NORMAL);
  }

  private List<String> stepArgs(List<String> args) {
    List<String> command = new JvmStepLauncher(dir, List.of("-Xmx1g")).command(args);
    assertEquals("-Xmx1g", command.get(1));
    int main = command.indexOf(DalleCommand.class.getName());
    return command.subList(main + 1, command.size());
  }

  @Test
  void theStepInheritsQuietOrVerbose() {
    assertEquals(STEP, stepArgs(STEP));
    ConsoleLog.setVerbosity(Verbosity.QUIET);
    List<String> quiet = stepArgs(STEP);
    assertEquals(
        Verbosity.QUIET, LoggingOptionsAccess.verbosity(quiet.toArray(String[]::new)), "" + quiet);
    ConsoleLog.setVerbosity(Verbosity.VERBOSE);
    List<String> verbose = stepArgs(STEP);
    assertEquals(
        Verbosity.VERBOSE,
        LoggingOptionsAccess.verbosity(verbose.toArray(String[]::new)),
        "" + verbose);
  }

  @Test
  void aStepThatChoosesItsOwnVerbosityKeepsIt() {
    ConsoleLog.setVerbosity(Verbosity.QUIET);
    List<String> own = List.of("train-dvae", "--verbose", "--config", "configs/x.yaml");
    List<String> args = stepArgs(own);
    assertEquals(own, args);
    assertFalse(args.contains("--quiet"), args.toString());
  }
}
