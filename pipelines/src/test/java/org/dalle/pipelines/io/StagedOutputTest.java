package org.dalle.pipelines.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedOutputTest {
  @TempDir Path dir;

  @Test
  void nothingIsVisibleBeforeCommitAndEverythingAfter() throws IOException {
    Path out = dir.resolve("out");
    StagedOutput output = StagedOutput.begin(out.toString(), "summary.json", false, List.of());
    output.writeStaged("images/part-0.avro", "data");
    output.writeStaged("tokenizer.json", "{}");
    assertFalse(Files.exists(out.resolve("images/part-0.avro")));
    assertFalse(output.isComplete());

    output.commit("{\"read\": 1}");

    assertEquals("data", Files.readString(out.resolve("images/part-0.avro")));
    assertEquals("{}", Files.readString(out.resolve("tokenizer.json")));
    assertEquals("{\"read\": 1}", Files.readString(out.resolve("summary.json")));
    assertTrue(output.isComplete());
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(
          List.of("images", "summary.json", "tokenizer.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging directory or temporary marker is left behind");
    }
  }

  @Test
  void refusesACompleteOutputUnlessOverwriting() throws IOException {
    Path out = dir.resolve("out");
    StagedOutput first = StagedOutput.begin(out.toString(), "summary.json", false, List.of());
    first.writeStaged("images/part-0.avro", "old");
    first.writeStaged("images/part-1.avro", "old");
    first.commit("{}");

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> StagedOutput.begin(out.toString(), "summary.json", false, List.of("images")));
    assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());

    StagedOutput second =
        StagedOutput.begin(out.toString(), "summary.json", true, List.of("images"));
    assertFalse(Files.exists(out.resolve("summary.json")), "marker removed first");
    assertFalse(Files.exists(out.resolve("images/part-1.avro")), "old outputs removed");
    second.writeStaged("images/part-0.avro", "new");
    second.commit("{}");
    assertEquals("new", Files.readString(out.resolve("images/part-0.avro")));
    assertFalse(Files.exists(out.resolve("images/part-1.avro")));
  }

  @Test
  void aCommitRunAgainAfterACrashPartWayFinishesIt() throws IOException {
    Path out = dir.resolve("out");
    StagedOutput output = StagedOutput.begin(out.toString(), "summary.json", false, List.of());
    output.writeStaged("images/part-0.avro", "zero");
    output.writeStaged("images/part-1.avro", "one");
    // The first try moved one file, then its worker died before the rest and the marker.
    Path staged = Path.of(output.stagingPath("images/part-0.avro"));
    Files.createDirectories(out.resolve("images"));
    Files.move(staged, out.resolve("images/part-0.avro"));
    assertFalse(output.isComplete());

    output.commit("{}");

    assertEquals("zero", Files.readString(out.resolve("images/part-0.avro")));
    assertEquals("one", Files.readString(out.resolve("images/part-1.avro")));
    assertTrue(output.isComplete());
    output.commit("{}");
    assertTrue(output.isComplete(), "a commit that runs twice changes nothing");
    assertEquals("one", Files.readString(out.resolve("images/part-1.avro")));
  }

  @Test
  void abortLeavesNoTrace() throws IOException {
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    StagedOutput output = StagedOutput.begin(out.toString(), "summary.json", false, List.of());
    output.writeStaged("images/part-0.avro", "partial");
    output.abort();
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(0, files.count());
    }
    assertFalse(output.isComplete());
  }

  @Test
  void readsStagedLinesAcrossShards() {
    StagedOutput output =
        StagedOutput.begin(dir.resolve("o").toString(), "summary.json", false, List.of());
    output.writeStaged("counts/counts.tsv-00000-of-00002", "a\t1\nb\t2\n");
    output.writeStaged("counts/counts.tsv-00001-of-00002", "c\t3\n");
    assertEquals(
        List.of("a\t1", "b\t2", "c\t3"),
        output.readStagedLines("counts/counts.tsv").stream().sorted().toList());
  }
}
