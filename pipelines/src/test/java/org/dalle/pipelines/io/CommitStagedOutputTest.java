package org.dalle.pipelines.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.pipelines.testing.TestPipelineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline that commits its own staged output (Direct runner): the output is complete once the
 * job is, with nobody waiting for it; a job that fails, in a write or in the finisher's check,
 * leaves no committed output.
 */
class CommitStagedOutputTest {
  @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();
  @TempDir Path dir;

  /** Writes the letters in two shards, and commits with their count as the marker. */
  private static void build(Pipeline pipeline, StagedOutput output, List<String> letters) {
    PCollection<String> written =
        pipeline
            .apply("Letters", Create.of(letters))
            .apply(
                "FailOnX",
                MapElements.into(TypeDescriptors.strings())
                    .via(
                        (String s) -> {
                          if (s.equals("x")) {
                            throw new IllegalStateException("a worker failed on x");
                          }
                          return s;
                        }));
    List<PCollection<?>> writes = new ArrayList<>();
    writes.add(
        written
            .apply(
                "WriteLetters",
                TextIO.write()
                    .to(output.stagingPath("letters/part"))
                    .withNumShards(2)
                    .<Void>withOutputFilenames())
            .getPerDestinationOutputFilenames());
    PCollection<String> committed =
        pipeline.apply(
            "CommitOutput",
            CommitStagedOutput.after(
                writes,
                output,
                staged -> {
                  List<String> lines = staged.readStagedLines("letters/part");
                  if (lines.contains("few")) {
                    throw new IllegalArgumentException("too few letters to commit");
                  }
                  staged.writeStaged("run.json", "{\"job\": \"letters\"}");
                  return "{\"letters\": " + lines.size() + "}";
                }));
    PAssert.that(committed).containsInAnyOrder(output.markerPath());
  }

  @Test
  void theJobCommitsItsOutputWhenItsWritesAreDone() throws IOException {
    Path out = dir.resolve("out");
    StagedOutput output = StagedOutput.begin(out.toString(), "summary.json", false, List.of());
    build(beam.pipeline(), output, List.of("a", "b", "c"));
    assertFalse(output.isComplete());

    beam.pipeline().run().waitUntilFinish();

    assertTrue(output.isComplete());
    assertEquals("{\"letters\": 3}", Files.readString(out.resolve("summary.json")));
    assertEquals("{\"job\": \"letters\"}", Files.readString(out.resolve("run.json")));
    assertEquals(
        List.of("a", "b", "c"),
        output.readCommittedLines("letters/part").stream().sorted().toList());
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(
          List.of("letters", "run.json", "summary.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging directory, temporary file or marker is left behind");
    }
  }

  @Test
  void aFailedWriteLeavesNothingCommitted() throws IOException {
    Path out = dir.resolve("out");
    StagedOutput output = StagedOutput.begin(out.toString(), "summary.json", false, List.of());
    build(beam.pipeline(), output, List.of("a", "x", "c"));

    Pipeline.PipelineExecutionException failed =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> beam.pipeline().run());

    assertTrue(failed.getMessage().contains("a worker failed on x"), failed.getMessage());
    assertFalse(output.isComplete());
    assertEquals(List.of(), committedFiles(out), "nothing was moved into place");
  }

  @Test
  void aFinisherThatRefusesTheFilesLeavesThemUncommitted() throws IOException {
    Path out = dir.resolve("out");
    StagedOutput output = StagedOutput.begin(out.toString(), "summary.json", false, List.of());
    build(beam.pipeline(), output, List.of("a", "few"));

    Pipeline.PipelineExecutionException failed =
        assertThrows(Pipeline.PipelineExecutionException.class, () -> beam.pipeline().run());

    OutputRefusedException refused =
        assertInstanceOf(OutputRefusedException.class, failed.getCause());
    assertInstanceOf(IllegalArgumentException.class, refused.getCause());
    assertTrue(refused.getMessage().contains("too few letters"), refused.getMessage());
    assertFalse(output.isComplete());
    assertEquals(List.of(), committedFiles(out));
    assertEquals(
        List.of("a", "few"),
        output.readStagedLines("letters/part").stream().sorted().toList(),
        "the written files stay staged, for the launcher to remove");
  }

  @Test
  void noWritesIsAnError() {
    StagedOutput output =
        StagedOutput.begin(dir.resolve("o").toString(), "summary.json", false, List.of());
    assertThrows(
        IllegalArgumentException.class,
        () -> CommitStagedOutput.after(List.of(), output, staged -> "{}"));
    beam.pipeline().run();
  }

  /** Files under {@code out} but outside its staging directory. */
  private static List<String> committedFiles(Path out) throws IOException {
    if (!Files.exists(out)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(out)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> out.relativize(p).toString())
          .filter(p -> !p.startsWith(".staging-"))
          .toList();
    }
  }
}
