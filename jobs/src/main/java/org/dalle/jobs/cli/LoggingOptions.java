package org.dalle.jobs.cli;

import org.dalle.jobs.logging.Verbosity;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code --quiet} and {@code --verbose}, inherited by every subcommand (a picocli mixin of {@link
 * DalleCommand}). The fields only document the flags; {@link #verbosity} reads them from the parse
 * result, wherever in the command line they were given.
 */
public final class LoggingOptions {
  static final String QUIET = "--quiet";
  static final String VERBOSE = "--verbose";

  @Option(
      names = QUIET,
      scope = ScopeType.INHERIT,
      description = "Print warnings and errors only: no progress, no library notices.")
  boolean quiet;

  @Option(
      names = VERBOSE,
      scope = ScopeType.INHERIT,
      description = "Print debug messages too, the libraries' (Beam, DJL, Kubernetes) included.")
  boolean verbose;

  /**
   * The verbosity the command line asks for.
   *
   * @throws CommandLine.ParameterException when it gives both flags
   */
  static Verbosity verbosity(CommandLine.ParseResult parsed) {
    boolean quiet = false;
    boolean verbose = false;
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      quiet |= p.hasMatchedOption(QUIET);
      verbose |= p.hasMatchedOption(VERBOSE);
      if (quiet && verbose) {
        throw new CommandLine.ParameterException(
            p.commandSpec().commandLine(),
            QUIET + " and " + VERBOSE + " contradict each other; give at most one");
      }
    }
    return quiet ? Verbosity.QUIET : verbose ? Verbosity.VERBOSE : Verbosity.NORMAL;
  }
}
