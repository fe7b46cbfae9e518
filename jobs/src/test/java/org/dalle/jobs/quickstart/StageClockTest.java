package org.dalle.jobs.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.dalle.jobs.logging.ConsoleLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage times on a fake clock: the printed lines, the closing table and timings.json. */
class StageClockTest {
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  /** A clock that moves only when told to. */
  private static final class FakeTime {
    long nanos = 5 * SECOND; // an arbitrary origin: only differences count
  }

  @Test
  void formatsWallTimesToTheSecond() {
    assertEquals("0 s", StageClock.format(0));
    assertEquals("0 s", StageClock.format(0.4));
    assertEquals("1 s", StageClock.format(0.5));
    assertEquals("59 s", StageClock.format(59.4));
    assertEquals("1 min 0 s", StageClock.format(59.5));
    assertEquals("1 min 12 s", StageClock.format(72));
    assertEquals("59 min 59 s", StageClock.format(3599));
    assertEquals("1 h 0 min 0 s", StageClock.format(3600));
    assertEquals("2 h 5 min 7 s", StageClock.format(2 * 3600 + 5 * 60 + 7));
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> StageClock.format(-1));
    assertTrue(negative.getMessage().contains("-1.0 s"), negative.getMessage());
    assertThrows(IllegalArgumentException.class, () -> StageClock.format(Double.NaN));
  }

  @Test
  void printsEachStagesTimeAndATableWithTheTotal() throws IOException {
    FakeTime time = new FakeTime();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    StageClock clock = new StageClock(() -> time.nanos);
    time.nanos += SECOND / 2; // loading configs before the first stage counts in the total only
    ConsoleLog.Redirect console =
        ConsoleLog.redirectTo(new PrintStream(printed, true, StandardCharsets.UTF_8));

    clock.begin("1/3 prepare", dir.resolve("data"));
    clock.skip("data/_SUCCESS exists");
    time.nanos += SECOND / 10;
    StageClock.StageTime prepare = clock.end();
    clock.begin("2/3 train-dvae", dir.resolve("dvae"));
    time.nanos += 72 * SECOND + 250_000_000L;
    clock.end();
    clock.begin("3/3 evaluate", dir.resolve("evaluation"));
    time.nanos += 3 * SECOND;
    clock.end();
    StageClock.Timings timings = clock.write(dir.resolve(StageClock.FILE));
    console.close();

    assertEquals(new StageClock.StageTime("1/3 prepare", 0.1, true), prepare);
    assertEquals(
        List.of(
            "",
            "== 1/3 prepare → " + dir.resolve("data"),
            "  skipped: data/_SUCCESS exists",
            "  skipped in 0 s",
            "",
            "== 2/3 train-dvae → " + dir.resolve("dvae"),
            "  done in 1 min 12 s",
            "",
            "== 3/3 evaluate → " + dir.resolve("evaluation"),
            "  done in 3 s"),
        printed.toString(StandardCharsets.UTF_8).lines().toList());
    assertEquals(
        "stage times:\n"
            + "  1/3 prepare            0 s  (skipped)\n"
            + "  2/3 train-dvae  1 min 12 s\n"
            + "  3/3 evaluate           3 s\n"
            + "  total           1 min 16 s\n",
        StageClock.table(timings).replace(System.lineSeparator(), "\n"));

    JsonNode json = new ObjectMapper().readTree(dir.resolve(StageClock.FILE).toFile());
    assertEquals(75.85, json.get("total_seconds").asDouble(), 1e-9);
    JsonNode stages = json.get("stages");
    assertEquals(3, stages.size());
    assertEquals("1/3 prepare", stages.get(0).get("name").asText());
    assertEquals(0.1, stages.get(0).get("seconds").asDouble(), 1e-9);
    assertTrue(stages.get(0).get("skipped").asBoolean());
    assertEquals("2/3 train-dvae", stages.get(1).get("name").asText());
    assertEquals(72.25, stages.get(1).get("seconds").asDouble(), 1e-9);
    assertEquals(false, stages.get(1).get("skipped").asBoolean());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of(StageClock.FILE),
          files.map(p -> p.getFileName().toString()).toList(),
          "no temporary file is left behind");
    }
  }

  @Test
  void refusesStagesOutOfOrder() {
    StageClock clock = new StageClock(() -> 0L);
    assertThrows(IllegalStateException.class, clock::end);
    assertThrows(IllegalStateException.class, () -> clock.skip("nothing"));
    clock.begin("1/2 prepare", dir);
    IllegalStateException overlap =
        assertThrows(IllegalStateException.class, () -> clock.begin("2/2 encode", dir));
    assertTrue(overlap.getMessage().contains("'1/2 prepare'"), overlap.getMessage());
  }
}
