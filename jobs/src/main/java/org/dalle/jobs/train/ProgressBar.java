package org.dalle.jobs.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A terminal progress line for a training loop:
 *
 * <pre>
 *   step 250/1000 [=====>               ]  25.0%  12.5 steps/s  ETA 0:01:00  loss=0.1230
 * </pre>
 *
 * On a terminal ({@code System.console() != null}) the line is redrawn in place, at most ten times
 * a second. Elsewhere (CI, {@code kubectl logs}) a full line is printed at the first update, then
 * at most once per interval, and at {@link #finish}, so logs stay short. The rate counts only the
 * updates of this process, so a resumed run's ETA is not skewed by the steps it skipped.
 */
public final class ProgressBar {

  private static final int WIDTH = 20;
  private static final long REDRAW_NANOS = Duration.ofMillis(100).toNanos();

  private final long total;
  private final PrintStream out;
  private final boolean interactive;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final long startNanos;
  private long startStep = -1;
  private long lastPrintNanos;
  private boolean printed;
  private int lastLength;

  /**
   * @param total the step the run ends at
   * @param out where the line goes
   * @param interactive redraw in place (a terminal) or print whole lines (a log)
   * @param interval the least time between two printed lines when not interactive
   * @param nanoClock a monotonic clock in nanoseconds, {@link System#nanoTime} outside tests
   */
  public ProgressBar(
      long total, PrintStream out, boolean interactive, Duration interval, LongSupplier nanoClock) {
    if (total < 1) {
      throw new IllegalArgumentException("total steps must be at least 1, got " + total);
    }
    this.total = total;
    this.out = out;
    this.interactive = interactive;
    this.intervalNanos = interval.toNanos();
    this.clock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  /**
   * A bar on {@code log} that redraws in place when {@code log} is standard error on a terminal,
   * and prints a line every 30 s otherwise (a log file, a pipe, a test's stream).
   */
  public static ProgressBar forLog(long total, PrintStream log) {
    return new ProgressBar(
        total,
        log,
        System.console() != null && log == System.err,
        Duration.ofSeconds(30),
        System::nanoTime);
  }

  /** A bar on standard error that redraws on a terminal and prints every 30 s otherwise. */
  public static ProgressBar forConsole(long total) {
    return new ProgressBar(
        total, System.err, System.console() != null, Duration.ofSeconds(30), System::nanoTime);
  }

  /**
   * Reports that {@code step} updates are done, with named values to show (e.g. loss).
   *
   * @param fields shown in iteration order as {@code name=value}, 4 significant digits
   */
  public void update(long step, Map<String, ? extends Number> fields) {
    long now = clock.getAsLong();
    if (startStep < 0) {
      startStep = step;
    }
    boolean due = !printed || now - lastPrintNanos >= (interactive ? REDRAW_NANOS : intervalNanos);
    if (due) {
      print(render(step, now, fields), now);
    }
  }

  /** Prints the final state and ends the line. */
  public void finish(long step, Map<String, ? extends Number> fields) {
    if (startStep < 0) {
      startStep = step;
    }
    long now = clock.getAsLong();
    print(render(step, now, fields), now);
    if (interactive) {
      out.println();
    }
    out.flush();
  }

  private void print(String line, long now) {
    if (interactive) {
      // Pad over the tail of a longer previous line.
      String padding = " ".repeat(Math.max(0, lastLength - line.length()));
      out.print("\r" + line + padding);
      lastLength = line.length();
    } else {
      out.println(line);
    }
    out.flush();
    printed = true;
    lastPrintNanos = now;
  }

  /** The line for {@code step} done at clock reading {@code now}. */
  String render(long step, long now, Map<String, ? extends Number> fields) {
    StringBuilder line = new StringBuilder();
    double fraction = Math.min(1.0, Math.max(0.0, step / (double) total));
    int filled = (int) Math.floor(fraction * WIDTH);
    line.append("step ").append(step).append('/').append(total).append(" [");
    line.append("=".repeat(filled));
    if (filled < WIDTH) {
      line.append('>').append(" ".repeat(WIDTH - filled - 1));
    }
    line.append("] ").append(String.format(Locale.ROOT, "%5.1f%%", 100 * fraction));

    double seconds = (now - startNanos) / 1e9;
    long done = step - startStep;
    if (done > 0 && seconds > 0) {
      double rate = done / seconds;
      line.append(String.format(Locale.ROOT, "  %.3g steps/s", rate));
      long remaining = Math.max(0, total - step);
      line.append("  ETA ").append(clockTime(Math.round(remaining / rate)));
    } else {
      line.append("  - steps/s  ETA -:--:--");
    }
    for (Map.Entry<String, ? extends Number> field : fields.entrySet()) {
      line.append("  ").append(field.getKey()).append('=').append(format(field.getValue()));
    }
    return line.toString();
  }

  /** {@code H:MM:SS}. */
  static String clockTime(long seconds) {
    return String.format(
        Locale.ROOT, "%d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
  }

  private static String format(Number value) {
    if (value instanceof Integer || value instanceof Long) {
      return value.toString();
    }
    return String.format(Locale.ROOT, "%.4g", value.doubleValue());
  }
}
