package org.dalle.jobs.train;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.dalle.pipelines.io.ProgressDisplay;
import org.slf4j.Logger;

/**
 * The progress line of work whose total is known: a training loop's steps, a sampler's captions.
 *
 * <pre>
 *   step 250/1000 [=====>               ]  25.0%  12.5 steps/s  ETA 0:01:00  loss=0.1230
 * </pre>
 *
 * On a terminal ({@link ProgressDisplay#redraws()}) the line is redrawn in place, at most ten times
 * a second. Elsewhere (CI, {@code kubectl logs}) a full line is logged at the first update, then at
 * most once per interval, and at {@link #finish}, so logs stay short; with {@code --quiet} nothing
 * is shown. The rate counts only the updates of this process, so a resumed run's ETA is not skewed
 * by the steps it skipped.
 */
public final class ProgressBar {

  private static final int WIDTH = 20;
  private static final long REDRAW_NANOS = Duration.ofMillis(100).toNanos();

  private final String label;
  private final String unit;
  private final long total;
  private final ProgressDisplay display;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final long startNanos;
  private long startStep = -1;
  private long lastPrintNanos;
  private boolean printed;

  /**
   * @param label what runs, e.g. {@code sample}, shown before the count; empty for none
   * @param unit what is counted, singular, e.g. {@code step}; the rate adds an "s"
   * @param total the count the work ends at
   * @param display where the line goes
   * @param interval the least time between two logged lines when the display does not redraw
   * @param nanoClock a monotonic clock in nanoseconds, {@link System#nanoTime} outside tests
   */
  public ProgressBar(
      String label,
      String unit,
      long total,
      ProgressDisplay display,
      Duration interval,
      LongSupplier nanoClock) {
    if (total < 1) {
      throw new IllegalArgumentException("total " + unit + "s must be at least 1, got " + total);
    }
    this.label = label;
    this.unit = unit;
    this.total = total;
    this.display = display;
    this.intervalNanos = interval.toNanos();
    this.clock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
  }

  /**
   * A bar of {@code total} {@code unit}s for a job that logs to {@code log} ({@link
   * ProgressDisplay#forLog}), logging a line every 30 s when it cannot redraw.
   */
  public static ProgressBar forLog(String label, String unit, long total, Logger log) {
    return new ProgressBar(
        label, unit, total, ProgressDisplay.forLog(log), Duration.ofSeconds(30), System::nanoTime);
  }

  /** A training loop's bar of {@code total} steps. */
  public static ProgressBar forSteps(long total, Logger log) {
    return forLog("", "step", total, log);
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
    boolean due =
        !printed || now - lastPrintNanos >= (display.redraws() ? REDRAW_NANOS : intervalNanos);
    if (due && display.isOn()) {
      print(render(step, now, fields), now);
    }
  }

  /** Shows the final state and ends the line. */
  public void finish(long step, Map<String, ? extends Number> fields) {
    if (startStep < 0) {
      startStep = step;
    }
    long now = clock.getAsLong();
    if (display.isOn()) {
      print(render(step, now, fields), now);
      display.end();
    }
  }

  private void print(String line, long now) {
    display.show(line);
    printed = true;
    lastPrintNanos = now;
  }

  /** The line for {@code step} done at clock reading {@code now}. */
  String render(long step, long now, Map<String, ? extends Number> fields) {
    StringBuilder line = new StringBuilder();
    double fraction = Math.min(1.0, Math.max(0.0, step / (double) total));
    int filled = (int) Math.floor(fraction * WIDTH);
    if (!label.isEmpty()) {
      line.append(label).append(": ");
    }
    line.append(unit).append(' ').append(step).append('/').append(total).append(" [");
    line.append("=".repeat(filled));
    if (filled < WIDTH) {
      line.append('>').append(" ".repeat(WIDTH - filled - 1));
    }
    line.append("] ").append(String.format(Locale.ROOT, "%5.1f%%", 100 * fraction));

    double seconds = (now - startNanos) / 1e9;
    long done = step - startStep;
    if (done > 0 && seconds > 0) {
      double rate = done / seconds;
      line.append(String.format(Locale.ROOT, "  %.3g %ss/s", rate, unit));
      long remaining = Math.max(0, total - step);
      line.append("  ETA ").append(clockTime(Math.round(remaining / rate)));
    } else {
      line.append("  - ").append(unit).append("s/s  ETA -:--:--");
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
