package org.dalle.pipelines.io;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for a pipeline while showing one progress line from its counters: records done (of the
 * total, when it is known before the run), the other counters, records per second, elapsed time
 * and, with a total, the time remaining:
 *
 * <pre>
 *   prepare: 120/2000 read (6.0%), 118 processed | 12.0/s | elapsed 00:00:10 | ETA 00:02:37
 * </pre>
 *
 * On a terminal the line is redrawn in place; in a log a line is printed at once, then every 10
 * seconds, and at the end ({@link ProgressDisplay}).
 */
public final class PipelineProgress {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineProgress.class);
  private static final long LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();
  private static final org.joda.time.Duration POLL = org.joda.time.Duration.millis(500);

  private final String label;
  private final String namespace;
  private final String doneCounter;
  private final long expectedTotal;
  private final ProgressDisplay display;
  private final LongSupplier clock;

  /**
   * @param doneCounter the counter that measures progress, one per record of the total
   * @param expectedTotal records expected, or 0 when unknown (no percentage or ETA then)
   */
  public PipelineProgress(String label, String namespace, String doneCounter, long expectedTotal) {
    this(
        label,
        namespace,
        doneCounter,
        expectedTotal,
        ProgressDisplay.forLog(LOG),
        System::nanoTime);
  }

  /**
   * @param display where the line goes
   * @param nanoClock a monotonic clock in nanoseconds, {@link System#nanoTime} outside tests
   */
  PipelineProgress(
      String label,
      String namespace,
      String doneCounter,
      long expectedTotal,
      ProgressDisplay display,
      LongSupplier nanoClock) {
    this.label = label;
    this.namespace = namespace;
    this.doneCounter = doneCounter;
    this.expectedTotal = expectedTotal;
    this.display = display;
    this.clock = nanoClock;
  }

  /** Blocks until the pipeline finishes and returns its final state. */
  public PipelineResult.State await(PipelineResult result) {
    long start = clock.getAsLong();
    long lastShown = 0;
    boolean shown = false;
    PipelineResult.State state;
    while ((state = result.waitUntilFinish(POLL)) == null || !state.isTerminal()) {
      long now = clock.getAsLong();
      if (display.isOn()
          && (display.redraws() || !shown || now - lastShown >= LOG_INTERVAL_NANOS)) {
        display.show(line(counters(result), now - start));
        lastShown = now;
        shown = true;
      }
    }
    if (display.isOn()) {
      display.show(line(counters(result), clock.getAsLong() - start));
      display.end();
    }
    return state;
  }

  String line(Map<String, Long> counters, long elapsedNanos) {
    long done = counters.getOrDefault(doneCounter, 0L);
    double seconds = Math.max(elapsedNanos / 1e9, 1e-9);
    double rate = done / seconds;
    StringBuilder line = new StringBuilder(label).append(": ").append(done);
    if (expectedTotal > 0) {
      line.append('/').append(expectedTotal);
    }
    line.append(' ').append(doneCounter);
    if (expectedTotal > 0) {
      line.append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * done / expectedTotal));
    }
    counters.forEach(
        (name, value) -> {
          if (!name.equals(doneCounter) && value > 0) {
            line.append(", ").append(value).append(' ').append(name);
          }
        });
    line.append(String.format(Locale.ROOT, " | %.1f/s | elapsed %s", rate, clock(seconds)));
    if (expectedTotal > 0 && rate > 0 && done < expectedTotal) {
      line.append(" | ETA ").append(clock((expectedTotal - done) / rate));
    }
    return line.toString();
  }

  private Map<String, Long> counters(PipelineResult result) {
    Map<String, Long> values = new TreeMap<>();
    try {
      MetricQueryResults metrics =
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.inNamespace(namespace))
                      .build());
      for (MetricResult<Long> counter : metrics.getCounters()) {
        values.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
      }
    } catch (UnsupportedOperationException e) {
      // Some runners report metrics only at the end; the line then shows what is known.
    }
    return values;
  }

  private static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }
}
