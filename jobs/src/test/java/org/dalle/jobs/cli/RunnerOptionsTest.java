package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dalle.pipelines.options.DallePipelineOptions;
import org.dalle.pipelines.options.Runner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Beam options of the pipeline commands: Beam's own flags read by Beam, the CLI's old names
 * still read, mistakes named, and both helps.
 */
class RunnerOptionsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path dir;

  private List<String> encode(String... beamArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "encode",
                "--data",
                dir.resolve("data").toString(),
                "--dvae",
                dir.resolve("dvae").toString(),
                "--out",
                dir.resolve("tokens").toString()));
    args.addAll(List.of(beamArgs));
    return args;
  }

  private static RunnerOptions runnerOptions(List<String> args) {
    CommandLine.ParseResult parsed =
        DalleCommand.commandLine().parseArgs(args.toArray(String[]::new)).subcommand();
    return (RunnerOptions) parsed.commandSpec().mixins().get(RunnerOptions.MIXIN).userObject();
  }

  private int run(List<String> args) {
    CommandLine cli = DalleCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args.toArray(String[]::new));
  }

  @Test
  void beamsOwnFlagsAreReadByBeamInEitherForm() {
    DallePipelineOptions options =
        runnerOptions(
                encode(
                    "--runner",
                    "DirectRunner",
                    "--tempLocation=/tmp/beam",
                    "--targetParallelism",
                    "3",
                    "--jobName=dalle-encode"))
            .toPipelineOptions();
    assertEquals("DirectRunner", options.getRunner().getSimpleName());
    assertEquals("/tmp/beam", options.getTempLocation());
    assertEquals(3, options.getTargetParallelism());
    assertEquals("dalle-encode", options.getJobName());
  }

  @Test
  void theClisOldNamesStandForBeamsOptions() {
    RunnerOptions runner =
        runnerOptions(
            encode(
                "--temp-location",
                "/tmp/old",
                "--parallelism",
                "2",
                "--beam-option=--jobName=dalle-old"));
    assertEquals(
        List.of("--tempLocation=/tmp/old", "--jobName=dalle-old", "--targetParallelism=2"),
        runner.toBeamArgs());
    DallePipelineOptions options = runner.toPipelineOptions();
    assertEquals("/tmp/old", options.getTempLocation());
    assertEquals(2, options.getTargetParallelism());
  }

  /**
   * The Dataflow profile's CLI check: Dataflow's flags, as Dataflow's documentation spells them.
   */
  @Test
  void dataflowsFlagsAreReadAsDataflowDocumentsThem() {
    assumeTrue(Runner.DATAFLOW.isBuilt(), "needs the Dataflow runner: built with -P!dataflow");
    RunnerOptions runner =
        runnerOptions(
            encode(
                "--runner=DataflowRunner",
                "--project=my-project",
                "--region",
                "us-central1",
                "--tempLocation=gs://bucket/tmp",
                "--maxNumWorkers=10",
                "--max-workers=20"));
    assertEquals(
        List.of(
            "--runner=DataflowRunner",
            "--project=my-project",
            "--region=us-central1",
            "--tempLocation=gs://bucket/tmp",
            "--maxNumWorkers=10",
            "--maxNumWorkers=20"),
        runner.toBeamArgs());
    // Beam refuses a second value of one option, whichever name gave it.
    assertEquals(
        2, run(encode("--runner=DataflowRunner", "--maxNumWorkers=10", "--max-workers=20")));
    assertTrue(err.toString().contains("--maxNumWorkers"), err.toString());

    String settings =
        runnerOptions(
                encode("--runner=DataflowRunner", "--region=us-central1", "--maxNumWorkers=10"))
            .toPipelineOptions()
            .toString();
    assertTrue(settings.contains("region: us-central1"), settings);
    assertTrue(settings.contains("maxNumWorkers: 10"), settings);
  }

  @Test
  void anUnknownFlagIsNamedWithWhatIsExpected() {
    assertEquals(2, run(encode("--no-such-flag", "3")));
    assertTrue(err.toString().contains("unknown option --no-such-flag"), err.toString());
    assertTrue(err.toString().contains("expected a flag of the job"), err.toString());
    assertEquals(2, run(encode("--tempLocaton=/tmp/beam")));
    assertTrue(err.toString().contains("did you mean --tempLocation?"), err.toString());
    assertFalse(Files.exists(dir.resolve("tokens")));
  }

  @Test
  void aRunnerTheJarWasBuiltWithoutNamesItsMavenProfile() {
    for (Runner runner : Runner.values()) {
      if (!runner.isBuilt()) {
        assertEquals(2, run(encode("--runner=" + runner.simpleName())));
        assertTrue(err.toString().contains("-P" + runner.profile() + " "), err.toString());
      }
    }
  }

  @Test
  void theHelpExplainsBeamsOptionsAndPrintsBeamsOwnHelpOfAnInterface() {
    assertEquals(0, run(List.of("prepare", "--help")));
    String help = out.toString();
    assertTrue(help.contains("Beam pipeline options"), help);
    assertTrue(help.contains("--tempLocation=PATH"), help);
    assertTrue(help.contains("This jar holds DirectRunner"), help);
    assertTrue(help.contains("older names still work: --temp-location"), help);

    out.getBuffer().setLength(0);
    assertEquals(0, run(List.of("encode", "--help=DallePipelineOptions")));
    assertTrue(out.toString().contains("--templateLocation=<String>"), out.toString());
    assertTrue(out.toString().contains("--targetParallelism=<int>"), out.toString());

    assertEquals(2, run(List.of("encode", "--help=NoSuchOptions")));
    assertTrue(err.toString().contains("--help=NoSuchOptions"), err.toString());
  }
}
