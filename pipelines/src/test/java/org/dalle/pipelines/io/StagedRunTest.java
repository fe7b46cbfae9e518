package org.dalle.pipelines.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.dalle.pipelines.options.Runner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A staged job seen from the process that starts it: waited for until the job has committed its
 * output; a failed job's staging directory removed, with the finisher's own error when the job
 * refused its output; a template launch recognised, so that nobody waits for it.
 */
class StagedRunTest {
  @TempDir Path dir;

  private StagedRun start(Path out, String finisherFails) {
    PipelineOptions options = PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create();
    StagedRun.configureRunner(options);
    StagedOutput output = StagedOutput.begin(out.toString(), "summary.json", false, List.of());
    Pipeline pipeline = Pipeline.create(options);
    PCollection<?> written =
        pipeline
            .apply(Create.of("a", "b"))
            .apply(
                TextIO.write()
                    .to(output.stagingPath("letters"))
                    .withoutSharding()
                    .<Void>withOutputFilenames())
            .getPerDestinationOutputFilenames();
    pipeline.apply(
        CommitStagedOutput.after(
            List.of(written),
            output,
            staged -> {
              if (!finisherFails.isEmpty()) {
                throw new IllegalArgumentException(finisherFails);
              }
              return "{}";
            }));
    return StagedRun.start("letters", pipeline, output);
  }

  private static PipelineProgress progress() {
    return new PipelineProgress("letters", "letters", "written", 0);
  }

  @Test
  void waitsUntilTheJobHasCommittedItsOutput() throws IOException {
    Path out = dir.resolve("out");
    StagedRun run = start(out, "");
    run.awaitCommit(progress());
    assertTrue(run.output().isComplete());
    assertEquals(
        List.of("a", "b"), run.output().readCommittedLines("letters").stream().sorted().toList());
  }

  @Test
  void aRefusedOutputThrowsTheFinishersErrorAndLeavesNoTrace() throws IOException {
    Path out = dir.resolve("out");
    StagedRun run = start(out, "1 of 2 letters could be used");
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> run.awaitCommit(progress()));
    assertEquals("1 of 2 letters could be used", refused.getMessage());
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(0, files.count(), "the staging directory is removed");
    }
  }

  /** The Dataflow profile's test: the jar holds the Dataflow runner unless built -P!dataflow. */
  @Test
  void aTemplateLaunchIsRecognisedFromTheOptionsTheLauncherPasses() {
    assumeTrue(Runner.DATAFLOW.isBuilt(), "needs the Dataflow runner: built with -P!dataflow");
    assertTrue(
        StagedRun.createsTemplate(
            PipelineOptionsFactory.fromArgs(
                    "--runner=DataflowRunner",
                    "--templateLocation=gs://bucket/tmp/template_launches/job_object")
                .create()));
    assertFalse(
        StagedRun.createsTemplate(
            PipelineOptionsFactory.fromArgs("--runner=DataflowRunner").create()),
        "the CLI's Dataflow runs are waited for");
    assertFalse(
        StagedRun.createsTemplate(
            PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                StagedRun.checkCreatesTemplate(
                    "prepare", PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create()));
    assertTrue(e.getMessage().contains("--templateLocation"), e.getMessage());
  }
}
