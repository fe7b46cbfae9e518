package org.dalle.jobs.logging;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.event.Level;

/**
 * Where and how the CLI's log lines are written: standard error by default, at the {@link
 * Verbosity} the command line chose. Our messages print as written, as the jobs printed them before
 * they logged ({@code prepare: reading …}), warnings with a {@code warning: } prefix; the
 * libraries' messages keep the time, thread, level and logger that say where they come from.
 */
public final class ConsoleLog {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

  private static volatile Verbosity verbosity = Verbosity.NORMAL;
  private static volatile PrintStream target;

  private ConsoleLog() {}

  public static Verbosity verbosity() {
    return verbosity;
  }

  /** Applies to every logger at once, those already created included. */
  public static void setVerbosity(Verbosity chosen) {
    verbosity = chosen;
  }

  /**
   * Sends every line to {@code out} instead of standard error until the returned handle is closed
   * (for tests that check what a job says).
   */
  public static Redirect redirectTo(PrintStream out) {
    PrintStream previous = target;
    target = out;
    return () -> target = previous;
  }

  /** Restores the previous target when closed. */
  public interface Redirect extends AutoCloseable {
    @Override
    void close();
  }

  static boolean isEnabled(String logger, Level level) {
    return level.toInt() >= verbosity.threshold(logger).toInt();
  }

  static void write(String logger, Level level, String message, Throwable thrown) {
    PrintStream out = target == null ? System.err : target;
    String line = format(logger, level, message, LocalTime.now(), Thread.currentThread().getName());
    // One print call per line, so lines of concurrent threads do not interleave.
    synchronized (out) {
      out.println(line);
      if (thrown != null) {
        thrown.printStackTrace(out);
      }
      out.flush();
    }
  }

  /** The console line for one message. */
  static String format(String logger, Level level, String message, LocalTime time, String thread) {
    if (Verbosity.isOurs(logger)) {
      return switch (level) {
        case WARN -> "warning: " + message;
        case ERROR -> "error: " + message;
        default -> message;
      };
    }
    return TIME.format(time) + " [" + thread + "] " + level + " " + logger + " - " + message;
  }
}
