package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.dalle.jobs.logging.ConsoleLog;
import org.dalle.jobs.logging.Verbosity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --quiet} and {@code --verbose}: on every command, documented, and applied before it runs.
 */
class LoggingOptionsTest {
  @AfterEach
  void restore() {
    ConsoleLog.setVerbosity(Verbosity.NORMAL);
  }

  private static Verbosity parsed(String... args) {
    return LoggingOptions.verbosity(DalleCommand.commandLine().parseArgs(args));
  }

  @Test
  void eitherFlagGoesBeforeOrAfterTheCommand() {
    assertEquals(Verbosity.NORMAL, parsed("quickstart"));
    assertEquals(Verbosity.QUIET, parsed("quickstart", "--quiet"));
    assertEquals(Verbosity.QUIET, parsed("--quiet", "quickstart"));
    assertEquals(Verbosity.VERBOSE, parsed("workflow", "--verbose"));
    CommandLine.ParameterException both =
        assertThrows(
            CommandLine.ParameterException.class,
            () -> parsed("--quiet", "quickstart", "--verbose"));
    assertTrue(both.getMessage().contains("--quiet and --verbose"), both.getMessage());
  }

  @Test
  void everyCommandDocumentsBothFlags() {
    CommandLine cli = DalleCommand.commandLine();
    checkHelp(cli);
  }

  private static void checkHelp(CommandLine command) {
    String help = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
    if (!(command.getCommand() instanceof CommandLine.HelpCommand)) {
      assertTrue(help.contains("--quiet"), command.getCommandName() + ":\n" + help);
      assertTrue(help.contains("--verbose"), command.getCommandName() + ":\n" + help);
    }
    command.getSubcommands().values().forEach(LoggingOptionsTest::checkHelp);
  }

  @Test
  void aRunSetsTheVerbosityItAsksForAndTheNextRunResetsIt() {
    CommandLine cli = DalleCommand.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    assertEquals(0, cli.execute("--quiet", "quickstart", "--help"));
    assertEquals(Verbosity.QUIET, ConsoleLog.verbosity());
    assertEquals(0, cli.execute("quickstart", "--help"));
    assertEquals(Verbosity.NORMAL, ConsoleLog.verbosity());
  }

  @Test
  void contradictoryFlagsAreRefusedBeforeAnythingRuns() {
    CommandLine cli = DalleCommand.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertEquals(2, cli.execute("quickstart", "--quiet", "--verbose"));
    assertTrue(err.toString().contains("--quiet and --verbose"), err.toString());
  }
}
