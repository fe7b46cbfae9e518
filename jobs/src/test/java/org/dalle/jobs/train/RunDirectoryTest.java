package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

  @TempDir Path dir;

  @Test
  void recordsConfigAndEveryInvocation() throws IOException {
    Path runDir = dir.resolve("runs/tiny/dvae");
    open(runDir, "steps: 10\n", List.of("train-dvae"), List.of());
    RunDirectory run =
        open(
            runDir,
            "steps: 20\n",
            List.of("train-dvae", "--resume", "--allow-config-change"),
            List.of("steps: 10 -> 20"));

    assertEquals("steps: 20\n", Files.readString(runDir.resolve(RunDirectory.CONFIG)));
    assertEquals(runDir.resolve("checkpoints"), run.checkpoints());
    assertEquals(runDir.resolve("metrics.jsonl"), run.metrics());

    JsonNode invocations = invocations(runDir);
    assertEquals(2, invocations.size());
    JsonNode last = invocations.get(1);
    assertEquals("--resume", last.get("command").get(1).asText());
    assertEquals(7L, last.get("seeds").get("seed").asLong());
    JsonNode versions = last.get("versions");
    assertEquals("0.1.0-SNAPSHOT", versions.get("project").asText());
    assertEquals("0.35.1", versions.get("djl").asText());
    assertEquals("PyTorch", versions.get("engine").asText());
    assertEquals("2.7.1", versions.get("engine_version").asText());
    assertEquals(System.getProperty("java.version"), versions.get("java").asText());
    assertEquals("steps: 10 -> 20", last.get("config_changes").get(0).asText());
    assertFalse(invocations.get(0).has("config_changes"));
  }

  @Test
  void everyInvocationRecordsItsConfigHashAndAppendsToTheHistory() throws IOException {
    Path runDir = dir.resolve("run");
    open(runDir, "---\nsteps: 10\n", List.of("train-dvae"), List.of());
    open(runDir, "---\nsteps: 20\n", List.of("train-dvae", "--resume"), List.of());

    JsonNode invocations = invocations(runDir);
    String first = invocations.get(0).get("config_hash").asText();
    String second = invocations.get(1).get("config_hash").asText();
    assertEquals(
        "sha256:" + InputFingerprint.sha256("---\nsteps: 10\n".getBytes(StandardCharsets.UTF_8)),
        first);
    assertNotEquals(first, second);
    List<String> history = Files.readAllLines(runDir.resolve(RunDirectory.CONFIG_HISTORY));
    assertEquals(4, history.size(), history.toString());
    assertTrue(history.get(0).startsWith("--- # invocation 1, started "), history.get(0));
    assertTrue(history.get(0).endsWith("config_hash " + first), history.get(0));
    assertEquals("steps: 10", history.get(1));
    assertTrue(history.get(2).startsWith("--- # invocation 2, "), history.get(2));
    assertEquals("steps: 20", history.get(3));
  }

  /** The jar's build writes the commit it was built from; a test's classes come from the same. */
  @Test
  void recordsTheSourceCommitTheBuildWroteIn() throws IOException {
    Path runDir = dir.resolve("run");
    open(runDir, "steps: 1\n", List.of("train-dvae"), List.of());

    JsonNode source = invocations(runDir).get(0).get("source");
    String commit = source.get("commit").asText();
    assertTrue(commit.matches("[0-9a-f]{40}|unknown"), commit);
    assertEquals(RunDirectory.source().get("commit"), commit);
  }

  @Test
  void fingerprintsTheInputDataByItsSummary() throws IOException {
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Files.writeString(data.resolve(InputFingerprint.SUMMARY), "{\"written\": 24}\n");
    Path runDir = dir.resolve("run");

    RunDirectory.open(
        runDir,
        "data: " + data + "\n",
        Map.of("seed", 7L),
        List.of("train-clip"),
        Optional.of(InputFingerprint.of(data.toString())),
        List.of());

    JsonNode input = invocations(runDir).get(0).get("input");
    assertEquals(data.toString(), input.get("data").asText());
    assertEquals(
        InputFingerprint.sha256("{\"written\": 24}\n".getBytes(StandardCharsets.UTF_8)),
        input.get("summary_sha256").asText());
    assertEquals(new InputFingerprint("elsewhere", null), InputFingerprint.of("elsewhere"));
  }

  private static RunDirectory open(
      Path runDir, String yaml, List<String> command, List<String> changes) throws IOException {
    return RunDirectory.open(runDir, yaml, Map.of("seed", 7L), command, Optional.empty(), changes);
  }

  private static JsonNode invocations(Path runDir) throws IOException {
    return Checkpoint.JSON
        .readTree(runDir.resolve(RunDirectory.RUN_INFO).toFile())
        .get("invocations");
  }
}
