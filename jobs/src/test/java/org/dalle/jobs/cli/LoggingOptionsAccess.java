package org.dalle.jobs.cli;

import org.dalle.jobs.logging.Verbosity;

/** The verbosity a {@code dalle} command line asks for, for tests outside this package. */
public final class LoggingOptionsAccess {
  private LoggingOptionsAccess() {}

  /** Parses {@code args} as {@code dalle} would and returns the verbosity they choose. */
  public static Verbosity verbosity(String... args) {
    return LoggingOptions.verbosity(DalleCommand.commandLine().parseArgs(args));
  }
}
