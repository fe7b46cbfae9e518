package org.dalle.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per line, {@code {"step":120,"loss":0.53,...}}, flushed
 * after every line so a crash loses at most the line being written.
 *
 * <p>Opening for a resume from step S first removes every line with a step after S (written after
 * that checkpoint by the interrupted run), so the file holds each step once and reads as one run. A
 * torn last line (no newline) is dropped too. Non-finite values are written as the strings {@code
 * "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 */
public final class MetricsLog implements AutoCloseable {

  private final Path file;
  private final BufferedWriter writer;
  private long lastStep;

  private MetricsLog(Path file, BufferedWriter writer, long lastStep) {
    this.file = file;
    this.writer = writer;
    this.lastStep = lastStep;
  }

  /**
   * Opens {@code file} for appending after dropping lines with a step after {@code resumeStep}.
   *
   * @param resumeStep the step of the checkpoint the run resumes from; 0 for a fresh run (which
   *     therefore clears the lines of an earlier fresh run in the same place)
   * @throws IOException when a line other than a torn last one is not a JSON object with a step
   */
  public static MetricsLog open(Path file, long resumeStep) throws IOException {
    if (resumeStep < 0) {
      throw new IllegalArgumentException("resume step must be >= 0, got " + resumeStep);
    }
    long lastStep = resumeStep;
    if (Files.exists(file)) {
      List<String> kept = linesThrough(file, resumeStep);
      AtomicFiles.write(
          file,
          out -> {
            for (String line : kept) {
              out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
          });
    } else {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    BufferedWriter writer =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return new MetricsLog(file, writer, lastStep);
  }

  /**
   * Appends one line. Steps must not go backwards; several lines may share a step (e.g. training
   * and evaluation values).
   */
  public void log(long step, Map<String, ? extends Number> values) throws IOException {
    if (step < lastStep) {
      throw new IllegalArgumentException(
          "metrics step " + step + " is before the last logged step " + lastStep);
    }
    ObjectNode line = Checkpoint.JSON.createObjectNode();
    line.put("step", step);
    for (Map.Entry<String, ? extends Number> entry : values.entrySet()) {
      if (entry.getKey().equals("step")) {
        throw new IllegalArgumentException("'step' is reserved in metrics.jsonl");
      }
      Number value = entry.getValue();
      if (value instanceof Integer || value instanceof Long) {
        line.put(entry.getKey(), value.longValue());
      } else {
        line.put(entry.getKey(), value.doubleValue());
      }
    }
    writer.write(Checkpoint.JSON.writeValueAsString(line));
    writer.write('\n');
    writer.flush();
    lastStep = step;
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  private static List<String> linesThrough(Path file, long resumeStep) throws IOException {
    String content = Files.readString(file, StandardCharsets.UTF_8);
    String[] lines = content.split("\n", -1);
    // split leaves "" after a final newline; anything else in the last slot is a torn write.
    int complete = lines.length - 1;
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < complete; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = Checkpoint.JSON.readTree(lines[i]);
      } catch (IOException e) {
        throw new IOException(file + " line " + (i + 1) + " is not JSON: " + lines[i], e);
      }
      if (node == null || !node.path("step").canConvertToLong()) {
        throw new IOException(file + " line " + (i + 1) + " has no integer 'step': " + lines[i]);
      }
      if (node.get("step").asLong() <= resumeStep) {
        kept.add(lines[i]);
      }
    }
    return kept;
  }
}
