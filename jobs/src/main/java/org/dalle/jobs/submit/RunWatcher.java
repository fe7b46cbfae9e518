package org.dalle.jobs.submit;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Polls a run until it finishes, printing its headline whenever it changes and every step line not
 * printed before, so the output reads as a log of transitions.
 */
public final class RunWatcher {
  /** Waits between polls; a seam for tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final Duration interval;
  private final PrintWriter out;
  private final Sleeper sleeper;

  public RunWatcher(Duration interval, PrintWriter out, Sleeper sleeper) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("poll interval must not be negative, got " + interval);
    }
    this.interval = interval;
    this.out = out;
    this.sleeper = sleeper;
  }

  public RunWatcher(Duration interval, PrintWriter out) {
    this(interval, out, d -> Thread.sleep(d.toMillis()));
  }

  /** Polls {@code poll} until the run finishes and returns its final status. */
  public RunStatus watch(Supplier<RunStatus> poll) throws InterruptedException {
    String lastHeadline = null;
    Set<String> printed = new HashSet<>();
    while (true) {
      RunStatus status = poll.get();
      if (!status.headline().equals(lastHeadline)) {
        out.println(status.headline());
        lastHeadline = status.headline();
      }
      for (String step : status.steps()) {
        if (printed.add(step)) {
          out.println("  " + step);
        }
      }
      out.flush();
      if (status.finished()) {
        return status;
      }
      sleeper.sleep(interval);
    }
  }

  /** Prints a finished run's outputs, one per line. */
  public static void printOutputs(RunStatus status, PrintWriter out) {
    if (!status.outputs().isEmpty()) {
      out.println("outputs:");
      status.outputs().forEach((name, value) -> out.println("  " + name + ": " + value.strip()));
    }
    out.flush();
  }
}
