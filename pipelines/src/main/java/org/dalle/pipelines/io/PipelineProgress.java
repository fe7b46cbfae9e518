package org.dalle.pipelines.io;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * Waits for a pipeline while printing one progress line from its counters: records done, records
 * per second and elapsed time, plus an ETA when the total is known. On a terminal the line is
 * redrawn in place; otherwise a line is printed every 10 seconds.
 */
public final class PipelineProgress {
  private final String label;
  private final String namespace;
  private final String doneCounter;
  private final long expectedTotal;
  private final PrintStream out;

  /**
   * @param doneCounter the counter that measures progress
   * @param expectedTotal total records expected, or 0 when unknown (no ETA then)
   */
  public PipelineProgress(
      String label, String namespace, String doneCounter, long expectedTotal, PrintStream out) {
    this.label = label;
    this.namespace = namespace;
    this.doneCounter = doneCounter;
    this.expectedTotal = expectedTotal;
    this.out = out;
  }

  /** Blocks until the pipeline finishes and returns its final state. */
  public PipelineResult.State await(PipelineResult result) {
    boolean terminal = System.console() != null;
    long start = System.nanoTime();
    long lastPrint = 0;
    PipelineResult.State state;
    while ((state = result.waitUntilFinish(org.joda.time.Duration.millis(500))) == null
        || !state.isTerminal()) {
      long now = System.nanoTime();
      if (terminal || now - lastPrint > Duration.ofSeconds(10).toNanos()) {
        out.print(
            (terminal ? "\r" : "") + line(counters(result), now - start) + (terminal ? "" : "\n"));
        out.flush();
        lastPrint = now;
      }
    }
    out.println((terminal ? "\r" : "") + line(counters(result), System.nanoTime() - start));
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
    counters.forEach(
        (name, value) -> {
          if (!name.equals(doneCounter) && value > 0) {
            line.append(", ").append(value).append(' ').append(name);
          }
        });
    line.append(String.format(Locale.ROOT, " | %.1f/s | %s", rate, clock(seconds)));
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
