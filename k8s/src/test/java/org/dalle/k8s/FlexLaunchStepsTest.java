package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.dalle.jobs.cli.FlexTemplateArgs;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The WorkflowTemplates' Dataflow Flex Template launches (the {@code X-flex} tasks): each is the
 * exact alternative of the dalle step {@code X}, chosen by the {@code dataflow-launch} parameter
 * (direct by default, so {@code dalle workflow run} runs the dalle steps), with the same settings
 * as template parameters and the same outputs; and the launch script they share launches the
 * template with those parameters, waits for the job and fails when the job does.
 */
class FlexLaunchStepsTest {
  private static final String LAUNCH = "dataflow-launch";

  @TempDir Path dir;

  private record Twin(
      String workflow, JsonNode spec, JsonNode dag, JsonNode direct, JsonNode flex) {
    JsonNode template(JsonNode task) {
      return ArgoSchema.templates(spec).get(task.path("template").asText());
    }

    @Override
    public String toString() {
      return workflow + " task " + flex.path("name").asText();
    }
  }

  /** Every flex task of the base's WorkflowTemplates, with the dalle task it replaces. */
  private static List<Twin> twins() {
    List<Twin> twins = new ArrayList<>();
    for (Manifest m : Rendered.all().get("base")) {
      if (!m.kind().equals("WorkflowTemplate")) {
        continue;
      }
      JsonNode spec = m.object().path("spec");
      for (JsonNode template : spec.path("templates")) {
        Map<String, JsonNode> tasks = new LinkedHashMap<>();
        template.path("dag").path("tasks").forEach(t -> tasks.put(t.path("name").asText(), t));
        tasks.forEach(
            (name, task) -> {
              if (name.endsWith(Dag.FLEX)) {
                twins.add(
                    new Twin(
                        m.name(), spec, template.path("dag"), tasks.get(Dag.stage(name)), task));
              }
            });
      }
    }
    return twins;
  }

  private static Stream<DynamicTest> eachTwin(java.util.function.Consumer<Twin> check) {
    return twins().stream().map(t -> dynamicTest(t.toString(), () -> check.accept(t)));
  }

  @Test
  void prepareEncodeAndEvalFeaturesHaveFlexLaunches() {
    Set<String> launched = new HashSet<>();
    for (Twin twin : twins()) {
      launched.add(twin.template(twin.flex()).path("container").path("args").path(0).asText());
    }
    assertEquals(FlexTemplateArgs.PIPELINES, launched);
  }

  @TestFactory
  Stream<DynamicTest> exactlyOneOfTheTwoTasksRunsAndTheDalleStepByDefault() {
    return eachTwin(
        twin -> {
          assertNotNull(twin.direct(), "a flex task replaces the dalle task named without -flex");
          String condition = "'{{workflow.parameters." + LAUNCH + "}}' == '%s'";
          assertEquals(String.format(condition, "direct"), twin.direct().path("when").asText());
          assertEquals(String.format(condition, "flex"), twin.flex().path("when").asText());
          JsonNode parameter = null;
          for (JsonNode p : twin.spec().path("arguments").path("parameters")) {
            if (p.path("name").asText().equals(LAUNCH)) {
              parameter = p;
            }
          }
          assertNotNull(parameter, twin.workflow() + " declares " + LAUNCH);
          assertEquals("direct", parameter.path("value").asText(), "the CLI path is the default");
          assertEquals("[\"direct\",\"flex\"]", parameter.path("enum").toString());
          // The same place in the DAG: inputs, what it waits for and what waits for it.
          assertEquals(twin.direct().path("dependencies"), twin.flex().path("dependencies"));
          assertEquals(twin.direct().path("arguments"), twin.flex().path("arguments"));
          String direct = twin.direct().path("name").asText();
          String flex = twin.flex().path("name").asText();
          for (Map.Entry<String, Set<String>> task : Dag.dependencies(twin.dag()).entrySet()) {
            assertEquals(
                task.getValue().contains(direct),
                task.getValue().contains(flex),
                "task " + task.getKey() + " must wait for both " + direct + " and " + flex);
          }
          assertEquals(
              twin.template(twin.direct()).path("outputs"),
              twin.template(twin.flex()).path("outputs"),
              "both leave the same output parameters");
        });
  }

  /**
   * The flex step's template parameters stand for the dalle step's flags but the runner's, and the
   * runner's settings reach gcloud through the step's environment.
   */
  @TestFactory
  Stream<DynamicTest> theLaunchHasTheDalleStepsSettings() {
    return eachTwin(
        twin -> {
          JsonNode directContainer = twin.template(twin.direct()).path("container");
          JsonNode flexContainer = twin.template(twin.flex()).path("container");
          List<String> directArgs = new ArrayList<>();
          directContainer.path("args").forEach(a -> directArgs.add(a.asText()));
          String pipeline = directArgs.get(0);
          assertEquals(pipeline, flexContainer.path("args").path(0).asText());

          CommandSpec spec = FlexTemplateArgs.commandSpec(pipeline);
          Map<String, String> runner = new LinkedHashMap<>();
          Set<String> settings = new HashSet<>();
          for (String arg : directArgs.subList(1, directArgs.size())) {
            String flag = arg.substring(0, arg.indexOf('='));
            OptionSpec option = spec.findOption(flag);
            // Beam's options (no flag of the command) are the launcher's, set through gcloud.
            if (option == null || FlexTemplateArgs.isRunnerOption(spec, option)) {
              runner.put(flag, arg.substring(flag.length() + 1));
            } else {
              settings.add(arg);
            }
          }
          List<String> launch = new ArrayList<>();
          flexContainer.path("args").forEach(a -> launch.add("--" + a.asText()));
          List<String> cli = FlexTemplateArgs.toCli(pipeline, launch.subList(1, launch.size()));
          assertEquals(settings, new HashSet<>(cli.subList(1, cli.size())));

          Map<String, String> env = new LinkedHashMap<>();
          flexContainer
              .path("env")
              .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
          assertEquals(runner.get("--project"), env.get("PROJECT"));
          assertEquals(runner.get("--region"), env.get("REGION"));
          assertEquals(runner.get("--tempLocation"), env.get("TEMP_LOCATION"));
          assertEquals(runner.get("--maxNumWorkers"), env.get("MAX_WORKERS"));
          assertEquals("{{workflow.parameters.run-name}}", env.get("RUN_NAME"));
          assertEquals("{{workflow.parameters.flex-templates}}", env.get("TEMPLATES"));
        });
  }

  /**
   * Dataflow's workers, not the pod, read a launch's paths: on GKE they must be in Cloud Storage.
   * The pod itself reads only the output the job commits, through the run volume.
   */
  @TestFactory
  Stream<DynamicTest> onGkeALaunchGivesDataflowCloudStoragePathsAndReadsItsOutputFromItsVolume() {
    return Pod.tests(
        pod -> pod.isFlexLaunch() && !pod.set().equals("overlays/cpu"),
        pod -> {
          for (String parameter : pod.args()) {
            assertEquals(
                List.of(),
                ContainerArgsTest.absolutePaths(parameter),
                pod + ": " + parameter + " names a pod path, which Dataflow's workers cannot read");
          }
        });
  }

  @TestFactory
  Stream<DynamicTest> theOutputALaunchReadsIsOnAVolumeItMounts() {
    return eachTwin(
        twin -> {
          JsonNode template = twin.template(twin.flex());
          Set<String> mounts = new HashSet<>();
          template
              .path("container")
              .path("volumeMounts")
              .forEach(m -> mounts.add(m.path("mountPath").asText()));
          for (JsonNode output : template.path("outputs").path("parameters")) {
            String path = output.path("valueFrom").path("path").asText();
            assertTrue(
                mounts.stream().anyMatch(m -> path.startsWith(m + "/")),
                path + " is on none of " + mounts);
          }
        });
  }

  @Test
  void everyLaunchRunsTheSameScript() {
    Set<String> scripts = new HashSet<>();
    for (Twin twin : twins()) {
      scripts.add(launchScript(twin));
    }
    assertEquals(1, scripts.size(), "the copies of the launch script differ: " + scripts);
  }

  private static String launchScript(Twin twin) {
    JsonNode command = twin.template(twin.flex()).path("container").path("command");
    assertEquals(
        List.of("bash", "-c", Pod.FLEX_LAUNCH),
        List.of(command.get(0).asText(), command.get(1).asText(), command.get(3).asText()));
    return command.get(2).asText();
  }

  /** Runs the launch script with a gcloud (and sleep) that answer from {@code states}. */
  private Run launch(List<String> states, String... args) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path calls = dir.resolve("calls");
    Path answers = dir.resolve("states");
    Files.write(answers, states);
    script(
        bin.resolve("gcloud"),
        "echo \"gcloud $*\" >> " + calls,
        "case \"$2 $3\" in",
        "  'flex-template run') echo 2026-12-01_00_00_00-42 ;;",
        "  'jobs describe') head -n 1 " + answers + "; sed -i 1d " + answers + " ;;",
        "esac");
    script(bin.resolve("sleep"), "exit 0");
    List<String> command = new ArrayList<>(List.of("bash", "-c", launchScript(twins().get(0))));
    command.add(Pod.FLEX_LAUNCH);
    command.addAll(List.of(args));
    ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = process.environment();
    env.put("PATH", bin + ":" + env.get("PATH"));
    env.put("RUN_NAME", "Retrain-v1.2");
    env.put("TEMPLATES", "gs://dalle-runs/flex-templates/v1.2");
    env.put("PROJECT", "my-project");
    env.put("REGION", "us-central1");
    env.put("TEMP_LOCATION", "gs://dalle-runs/tmp");
    env.put("MAX_WORKERS", "100");
    Process p = process.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    return new Run(code, output, Files.exists(calls) ? Files.readAllLines(calls) : List.of());
  }

  private record Run(int exitCode, String output, List<String> calls) {}

  private static void script(Path file, String... lines) throws IOException {
    Files.writeString(file, "#!/usr/bin/env bash\n" + String.join("\n", lines) + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void theScriptLaunchesTheTemplateAndWaitsForTheJob() throws Exception {
    Run run =
        launch(
            List.of("JOB_STATE_PENDING", "JOB_STATE_RUNNING", "JOB_STATE_DONE"),
            "prepare",
            "input=synthetic:12,seed=1",
            "out=gs://dalle-runs/v1/data");
    assertEquals(0, run.exitCode(), run.output());
    assertEquals(
        "gcloud dataflow flex-template run dalle-retrain-v1-2-prepare --project=my-project"
            + " --region=us-central1"
            + " --template-file-gcs-location=gs://dalle-runs/flex-templates/v1.2/prepare.json"
            + " --temp-location=gs://dalle-runs/tmp --max-workers=100"
            + " --parameters=^~^input=synthetic:12,seed=1~out=gs://dalle-runs/v1/data"
            + " --format=value(job.id)",
        run.calls().get(0),
        "a value's comma stays in the value");
    assertEquals(4, run.calls().size(), "polled until the job was done: " + run.calls());
    assertTrue(
        run.calls().get(3).startsWith("gcloud dataflow jobs describe 2026-12-01_00_00_00-42 "),
        run.calls().get(3));
  }

  @Test
  void theStepFailsWhenTheJobDoes() throws Exception {
    Run run =
        launch(
            List.of("JOB_STATE_RUNNING", "JOB_STATE_FAILED"),
            "encode",
            "data=gs://dalle-runs/v1/data");
    assertEquals(1, run.exitCode(), run.output());
    assertTrue(run.output().contains("ended in JOB_STATE_FAILED"), run.output());
    assertFalse(run.output().contains("done"), run.output());
  }
}
