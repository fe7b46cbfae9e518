package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

  @TempDir Path dir;

  @Test
  void recordsConfigAndEveryInvocation() throws IOException {
    Path runDir = dir.resolve("runs/tiny/dvae");
    RunDirectory.open(runDir, "steps: 10\n", Map.of("seed", 7L), List.of("train-dvae"));
    RunDirectory run =
        RunDirectory.open(
            runDir, "steps: 20\n", Map.of("seed", 7L), List.of("train-dvae", "--resume"));

    assertEquals("steps: 20\n", Files.readString(runDir.resolve(RunDirectory.CONFIG)));
    assertEquals(runDir.resolve("checkpoints"), run.checkpoints());
    assertEquals(runDir.resolve("metrics.jsonl"), run.metrics());

    JsonNode invocations =
        Checkpoint.JSON.readTree(runDir.resolve(RunDirectory.RUN_INFO).toFile()).get("invocations");
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
  }
}
