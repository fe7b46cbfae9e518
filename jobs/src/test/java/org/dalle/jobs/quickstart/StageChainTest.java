package org.dalle.jobs.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dalle.jobs.logging.ConsoleLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chain on stages that only record that they ran: skipping, stopping, saved stage times. */
class StageChainTest {
  @TempDir Path dir;

  private final List<String> ran = new ArrayList<>();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final StageClock clock = new StageClock(() -> 0L);
  private ConsoleLog.Redirect console;

  @BeforeEach
  void captureTheConsole() {
    console = ConsoleLog.redirectTo(new PrintStream(printed, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreTheConsole() {
    console.close();
  }

  /** A stage that is complete when {@code complete} holds and returns {@code exit} when run. */
  private Stage stage(String name, boolean complete, int exit) {
    return Stage.of(
        name,
        dir.resolve(name),
        () -> complete ? Optional.of(name + "/export is complete") : Optional.empty(),
        () -> {
          ran.add(name);
          return exit;
        });
  }

  @Test
  void skipsCompleteStagesAndRunsTheRestInOrder() throws Exception {
    Path timings = dir.resolve("timings.json");
    StageChain chain = new StageChain(clock, false, timings);

    int exit = chain.run(stage("a", false, 0), stage("b", true, 0), stage("c", false, 0));

    assertEquals(0, exit);
    assertEquals(List.of("a", "c"), ran);
    String out = printed.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("== b → " + dir.resolve("b")), out);
    assertTrue(out.contains("  skipped: b/export is complete"), out);
    JsonNode saved = new ObjectMapper().readTree(Files.readString(timings));
    assertEquals(3, saved.get("stages").size());
    assertTrue(saved.get("stages").get(1).get("skipped").asBoolean());
    assertEquals(chain.timings().stages(), clock.timings().stages());
  }

  @Test
  void aFreshRunRunsCompleteStagesToo() throws Exception {
    assertEquals(
        0, new StageChain(clock, true, null).run(stage("a", true, 0), stage("b", true, 0)));
    assertEquals(List.of("a", "b"), ran);
    assertTrue(!printed.toString(StandardCharsets.UTF_8).contains("skipped"));
  }

  @Test
  void stopsAtTheFirstStageThatDoesNotFinishAndKeepsTheTimesBeforeIt() throws Exception {
    Path timings = dir.resolve("timings.json");
    StageChain chain = new StageChain(clock, false, timings);

    int exit = chain.run(stage("a", false, 0), stage("b", false, 130), stage("c", false, 0));

    assertEquals(130, exit);
    assertEquals(List.of("a", "b"), ran);
    JsonNode saved = new ObjectMapper().readTree(Files.readString(timings));
    assertEquals(1, saved.get("stages").size());
    assertEquals("a", saved.get("stages").get(0).get("name").asText());
  }

  @Test
  void withoutATimingsFileNothingIsSaved() throws Exception {
    StageChain chain = new StageChain(clock, false, null);
    assertEquals(0, chain.run(stage("a", false, 0)));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
    assertEquals(1, chain.timings().stages().size());
  }
}
