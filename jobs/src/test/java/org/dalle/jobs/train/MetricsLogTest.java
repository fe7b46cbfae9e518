package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

  @TempDir Path dir;

  private static Map<String, Number> values(double loss, int codes) {
    Map<String, Number> values = new LinkedHashMap<>();
    values.put("loss", loss);
    values.put("codes_used", codes);
    return values;
  }

  @Test
  void writesOneJsonObjectPerLine() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    try (MetricsLog log = MetricsLog.open(file, 0)) {
      log.log(1, values(0.5, 12));
      log.log(2, values(Double.NaN, 3));
    }
    assertEquals(
        List.of(
            "{\"step\":1,\"loss\":0.5,\"codes_used\":12}",
            "{\"step\":2,\"loss\":\"NaN\",\"codes_used\":3}"),
        Files.readAllLines(file));
  }

  @Test
  void resumeDropsLinesAfterTheCheckpointAndATornLine() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    Files.writeString(
        file,
        "{\"step\":1,\"loss\":0.9}\n"
            + "{\"step\":2,\"loss\":0.8}\n"
            + "{\"step\":2,\"eval_loss\":0.85}\n"
            + "{\"step\":3,\"loss\":0.7}\n"
            + "{\"step\":4,\"lo");
    try (MetricsLog log = MetricsLog.open(file, 2)) {
      log.log(3, Map.of("loss", 0.75));
    }
    assertEquals(
        List.of(
            "{\"step\":1,\"loss\":0.9}",
            "{\"step\":2,\"loss\":0.8}",
            "{\"step\":2,\"eval_loss\":0.85}",
            "{\"step\":3,\"loss\":0.75}"),
        Files.readAllLines(file));
  }

  @Test
  void freshRunClearsAnOldFile() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    Files.writeString(file, "{\"step\":1,\"loss\":0.9}\n");
    try (MetricsLog log = MetricsLog.open(file, 0)) {
      log.log(1, Map.of("loss", 0.4));
    }
    assertEquals(List.of("{\"step\":1,\"loss\":0.4}"), Files.readAllLines(file));
  }

  @Test
  void rejectsACorruptLineAndStepsGoingBack() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    Files.writeString(file, "{\"step\":1}\nnot json\n{\"step\":2}\n");
    IOException corrupt = assertThrows(IOException.class, () -> MetricsLog.open(file, 2));
    assertEquals(file + " line 2 is not JSON: not json", corrupt.getMessage());

    Files.writeString(file, "");
    try (MetricsLog log = MetricsLog.open(file, 5)) {
      IllegalArgumentException back =
          assertThrows(IllegalArgumentException.class, () -> log.log(4, Map.of("loss", 1.0)));
      assertEquals("metrics step 4 is before the last logged step 5", back.getMessage());
    }
  }
}
