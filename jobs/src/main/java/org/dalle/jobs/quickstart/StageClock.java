package org.dalle.jobs.quickstart;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.dalle.jobs.train.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wall time of each stage of a chain of stages ({@code dalle quickstart}): prints a header when
 * a stage begins and its time when it ends ({@code done in 1 min 12 s}, or {@code skipped in 0 s}
 * for a stage whose outputs were already complete), and at the end a table of every stage's time
 * with the total. {@link #write} saves the same figures as {@value #FILE}.
 */
final class StageClock {
  private static final Logger LOG = LoggerFactory.getLogger(StageClock.class);

  /** Name of the timings file in the run directory. */
  static final String FILE = "timings.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One finished stage.
   *
   * @param name the stage's name as its header shows it, e.g. {@code 2/8 train-dvae}
   * @param seconds its wall time
   * @param skipped whether its outputs were complete, so it did no work
   */
  record StageTime(String name, double seconds, boolean skipped) {}

  /** What {@value #FILE} holds: every finished stage in order, and the time since the start. */
  record Timings(List<StageTime> stages, double totalSeconds) {}

  private final LongSupplier nanoTime;
  private final long start;
  private final List<StageTime> stages = new ArrayList<>();
  private String current;
  private long currentStart;
  private boolean currentSkipped;

  /** A clock started now, logging each stage's header and time. */
  StageClock() {
    this(System::nanoTime);
  }

  /** A clock that reads the time from {@code nanoTime} (a test's fake clock). */
  StageClock(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
  }

  /** Starts stage {@code name}, which writes to {@code dir}, and prints its header. */
  void begin(String name, Path dir) {
    if (current != null) {
      throw new IllegalStateException(
          "stage '" + name + "' begins while '" + current + "' has not ended");
    }
    current = name;
    currentStart = nanoTime.getAsLong();
    currentSkipped = false;
    LOG.info("");
    LOG.info("== " + name + " → " + dir);
  }

  /** Marks the current stage as skipped and prints why (its outputs are complete). */
  void skip(String reason) {
    requireStage("skip");
    currentSkipped = true;
    LOG.info("  skipped: " + reason);
  }

  /** Ends the current stage and prints its time. */
  StageTime end() {
    requireStage("end");
    StageTime stage =
        new StageTime(current, seconds(nanoTime.getAsLong() - currentStart), currentSkipped);
    stages.add(stage);
    current = null;
    LOG.info("  " + (stage.skipped() ? "skipped" : "done") + " in " + format(stage.seconds()));
    return stage;
  }

  /** Seconds since the clock was made. */
  double totalSeconds() {
    return seconds(nanoTime.getAsLong() - start);
  }

  /** The finished stages and the time since the start. */
  Timings timings() {
    return new Timings(List.copyOf(stages), totalSeconds());
  }

  /**
   * The closing table: one line per finished stage with its time ({@code (skipped)} after a skipped
   * stage's), then the total.
   */
  static String table(Timings timings) {
    List<String> names = new ArrayList<>();
    List<String> times = new ArrayList<>();
    for (StageTime stage : timings.stages()) {
      names.add(stage.name());
      times.add(format(stage.seconds()));
    }
    names.add("total");
    times.add(format(timings.totalSeconds()));
    int nameWidth = names.stream().mapToInt(String::length).max().orElseThrow();
    int timeWidth = times.stream().mapToInt(String::length).max().orElseThrow();
    String row = "  %-" + nameWidth + "s  %" + timeWidth + "s%s%n";
    StringBuilder table = new StringBuilder("stage times:").append(System.lineSeparator());
    for (int i = 0; i < names.size(); i++) {
      boolean skipped = i < timings.stages().size() && timings.stages().get(i).skipped();
      table.append(
          String.format(
              Locale.ROOT, row, names.get(i), times.get(i), skipped ? "  (skipped)" : ""));
    }
    return table.toString();
  }

  /** {@code timings} as {@value #FILE} holds them. */
  static String json(Timings timings) {
    try {
      return JSON.writeValueAsString(timings) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the stage timings as JSON", e);
    }
  }

  /** Writes the {@link #timings} so far to {@code file} atomically; returns them. */
  Timings write(Path file) throws IOException {
    Timings timings = timings();
    AtomicFiles.writeString(file, json(timings));
    return timings;
  }

  /**
   * A wall time rounded to the second: {@code 0 s}, {@code 45 s}, {@code 1 min 12 s}, {@code 2 h 5
   * min 0 s}.
   */
  static String format(double seconds) {
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException(
          "a stage time is " + seconds + " s; expected a finite number >= 0");
    }
    long total = Math.round(seconds);
    long hours = total / 3600;
    long minutes = total % 3600 / 60;
    long rest = total % 60;
    if (hours > 0) {
      return hours + " h " + minutes + " min " + rest + " s";
    }
    return minutes > 0 ? minutes + " min " + rest + " s" : rest + " s";
  }

  private void requireStage(String action) {
    if (current == null) {
      throw new IllegalStateException("no stage to " + action + ": call begin first");
    }
  }

  /** Nanoseconds as seconds, to the millisecond. */
  private static double seconds(long nanos) {
    return Math.round(nanos / 1e6) / 1e3;
  }
}
