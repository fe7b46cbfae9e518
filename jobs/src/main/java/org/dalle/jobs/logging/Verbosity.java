package org.dalle.jobs.logging;

import org.slf4j.event.Level;

/**
 * How much the {@code dalle} CLI says, chosen by {@code --quiet} and {@code --verbose}: which
 * messages of ours and of the libraries (Beam, DJL, the Kubernetes client) reach the console.
 */
public enum Verbosity {
  /** Warnings and errors only; no progress. */
  QUIET,
  /** Our progress and results; the libraries' warnings. */
  NORMAL,
  /** Everything down to debug, the libraries' included. */
  VERBOSE;

  /** Loggers whose warnings are known noise at the normal level (see {@link #threshold}). */
  private static final java.util.List<String> NOISY =
      java.util.List.of(
          // Beam's file sink warns that the temporary directory it has just removed no longer
          // matches.
          "org.apache.beam.sdk.io.FileBasedSink",
          // DJL probes for a GPU on every start and warns when a CPU-only machine has no CUDA.
          "ai.djl.util.cuda.CudaUtils");

  /** The least severe level that {@code logger} prints at this verbosity. */
  public Level threshold(String logger) {
    if (this == VERBOSE) {
      return Level.DEBUG;
    }
    if (NOISY.stream().anyMatch(logger::startsWith)) {
      return Level.ERROR;
    }
    return this == NORMAL && isOurs(logger) ? Level.INFO : Level.WARN;
  }

  /**
   * The command-line flag that asks for this verbosity, for a {@code dalle} child process (the
   * quickstart's second process, a local workflow's steps): {@code --quiet}, {@code --verbose}, or
   * none at the normal level.
   */
  public java.util.List<String> flags() {
    return switch (this) {
      case QUIET -> java.util.List.of("--quiet");
      case VERBOSE -> java.util.List.of("--verbose");
      case NORMAL -> java.util.List.of();
    };
  }

  /** Whether {@code logger} belongs to this project (its messages print without a prefix). */
  static boolean isOurs(String logger) {
    return logger.startsWith("org.dalle.");
  }
}
