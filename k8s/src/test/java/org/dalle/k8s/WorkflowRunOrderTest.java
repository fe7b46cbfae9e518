package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dalle.jobs.workflow.LocalWorkflowRun;
import org.dalle.jobs.workflow.MountPaths;
import org.dalle.jobs.workflow.StepLauncher;
import org.dalle.jobs.workflow.WorkflowTemplateFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code dalle workflow run} walks a template, with a launcher that records each step's args
 * and writes the files the step declares as outputs instead of running the CLI (WorkflowRunTest
 * runs it for real): dalle-retraining's DAG, which is dalle-training's by templateRef, in
 * dependency order with the args Argo would give, and the parameter checks.
 */
class WorkflowRunOrderTest {
  private static final Path WORKFLOWS = Rendered.K8S.resolve("base/workflows");

  @TempDir Path root;

  /** Records args; writes what each stage's outputs name, as the real stage would. */
  private final class Recorder implements StepLauncher {
    final List<List<String>> calls = new ArrayList<>();

    @Override
    public int run(List<String> args, Path log) throws java.io.IOException {
      calls.add(args);
      Files.writeString(log, "ran " + args.get(0) + "\n");
      String out = flag(args, "--out");
      switch (args.get(0)) {
        case "prepare", "encode", "eval-features" ->
            write(Path.of(out).resolve("summary.json"), "{}");
        case "train-dvae", "train-transformer", "train-clip" ->
            write(Path.of(out).resolve("checkpoints/latest"), "step-000000003\n");
        case "evaluate" -> write(Path.of(out).resolve("metrics.json"), "{}");
        default -> {}
      }
      return args.get(0).equals(failing) ? 3 : 0;
    }

    String failing = "";
  }

  private static void write(Path file, String text) throws java.io.IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static String flag(List<String> args, String name) {
    return args.stream()
        .filter(a -> a.startsWith(name + "="))
        .map(a -> a.substring(name.length() + 1))
        .findFirst()
        .orElse("");
  }

  private LocalWorkflowRun.Result run(String file, Map<String, String> parameters, Recorder steps)
      throws Exception {
    return new LocalWorkflowRun(
            WorkflowTemplateFile.read(WORKFLOWS.resolve(file)),
            parameters,
            MountPaths.under(root),
            Rendered.REPO,
            steps)
        .run();
  }

  private static Map<String, String> retraining() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("run-name", "r1");
    p.put("image", "reg/dalle-jobs@sha256:" + "a".repeat(64));
    p.put("input", "synthetic:8,seed=1");
    p.put("storage-uri", "/runs");
    return p;
  }

  @Test
  void retrainingRunsTheTrainingDagInDependencyOrderWithTheArgsArgoWouldGive() throws Exception {
    Recorder steps = new Recorder();
    LocalWorkflowRun.Result result = run("retraining.yaml", retraining(), steps);
    assertEquals(0, result.exitCode());
    List<String> stages = steps.calls.stream().map(a -> a.get(0)).toList();
    assertEquals(
        List.of(
            "prepare",
            "train-dvae",
            "encode",
            "train-transformer",
            "train-clip",
            "sample",
            "evaluate"),
        stages);
    assertEquals("train/prepare", result.ran().get(0), "tasks are named by their DAG path");
    String runs = root.resolve("runs").toString();
    List<String> transformer = steps.calls.get(3);
    assertTrue(
        transformer.contains("--tokenizer=" + runs + "/r1/data/tokenizer.json"), "" + transformer);
    List<String> sample = steps.calls.get(5);
    assertTrue(sample.contains("--clip=" + runs + "/r1/clip/export"), "" + sample);
    assertTrue(
        sample.contains(
            "--captions=" + root.resolve("data") + "/coco/eval-captions/coco30k/captions.jsonl"),
        "" + sample);
    // The evaluate config file is handed over with its pod paths mapped.
    String config = flag(steps.calls.get(6), "--config");
    String text = Files.readString(Path.of(config));
    assertTrue(text.contains("list:" + root.resolve("data") + "/coco/"), text);
    assertTrue(text.contains("torchscript:" + root.resolve("models") + "/"), text);
  }

  @Test
  void aFailingStepStopsTheRunAndTheNextRunResumesAtIt() throws Exception {
    Recorder steps = new Recorder();
    steps.failing = "encode";
    LocalWorkflowRun.Result failed = run("retraining.yaml", retraining(), steps);
    assertEquals(3, failed.exitCode());
    assertEquals("train/encode", failed.failedStep());
    assertEquals(List.of("train/prepare", "train/train-dvae"), failed.ran());

    Recorder again = new Recorder();
    LocalWorkflowRun.Result resumed = run("retraining.yaml", retraining(), again);
    assertEquals(0, resumed.exitCode());
    assertEquals(List.of("train/prepare", "train/train-dvae"), resumed.skipped());
    assertEquals("encode", again.calls.get(0).get(0));

    Map<String, String> otherInput = retraining();
    otherInput.put("input", "synthetic:16,seed=1");
    Recorder changed = new Recorder();
    run("retraining.yaml", otherInput, changed);
    assertEquals(7, changed.calls.size(), "a changed input reruns prepare and everything after it");
  }

  @Test
  void theDataflowStepsRunAsDalleStepsAndAFlexLaunchIsRefused() throws Exception {
    Recorder steps = new Recorder();
    Map<String, String> statistics = new LinkedHashMap<>();
    statistics.put("run-name", "reference");
    statistics.put("images", "avro:/runs/r1/data/images/*.avro");
    statistics.put("features", "torchscript:/models/net.pt@299");
    statistics.put("storage-uri", "/runs");
    statistics.put("beam-runner", "DirectRunner");
    LocalWorkflowRun.Result result = run("feature-statistics.yaml", statistics, steps);
    assertEquals(0, result.exitCode());
    assertEquals(List.of("eval-features"), result.ran(), "the flex task is left out");
    String runs = root.resolve("runs").toString();
    assertTrue(
        steps.calls.get(0).contains("--out=" + runs + "/reference/feature-statistics"),
        "" + steps.calls.get(0));
    assertTrue(
        steps
            .calls
            .get(0)
            .contains("--features=torchscript:" + root.resolve("models") + "/net.pt@299"),
        "" + steps.calls.get(0));

    Map<String, String> flex = retraining();
    flex.put("dataflow-launch", "flex");
    Recorder none = new Recorder();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> run("retraining.yaml", flex, none));
    assertTrue(
        e.getMessage().contains("task train/prepare-flex runs its own command"), e.getMessage());
    assertTrue(e.getMessage().contains("-p dataflow-launch=direct"), e.getMessage());
    assertEquals(List.of(), none.calls, "nothing ran");
  }

  @Test
  void parametersAreChecked() throws Exception {
    Map<String, String> unknown = retraining();
    unknown.put("epochs", "3");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> run("retraining.yaml", unknown, new Recorder()));
    assertTrue(
        e.getMessage().contains("-p epochs: dalle-retraining has no such parameter"),
        e.getMessage());

    Map<String, String> noInput = retraining();
    noInput.remove("input");
    e =
        assertThrows(
            IllegalArgumentException.class, () -> run("retraining.yaml", noInput, new Recorder()));
    assertTrue(
        e.getMessage().contains("workflow parameter input has no value: pass -p input="),
        e.getMessage());
  }

  @Test
  void aCycleIsRefused() throws Exception {
    JsonNode dag =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"WorkflowTemplate\","
                    + "\"metadata\":{\"name\":\"w\"},\"spec\":{\"entrypoint\":\"d\",\"templates\":["
                    + "{\"name\":\"d\",\"dag\":{\"tasks\":["
                    + "{\"name\":\"a\",\"template\":\"s\",\"dependencies\":[\"b\"]},"
                    + "{\"name\":\"b\",\"template\":\"s\",\"dependencies\":[\"a\"]}]}},"
                    + "{\"name\":\"s\",\"container\":{\"args\":[\"prepare\"]}}]}}");
    Path file = root.resolve("w.yaml");
    Files.writeString(file, dag.toString());
    LocalWorkflowRun run =
        new LocalWorkflowRun(
            WorkflowTemplateFile.read(file),
            Map.of(),
            MountPaths.under(root),
            root,
            new Recorder());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run::run);
    assertTrue(e.getMessage().contains("cycle"), e.getMessage());
  }
}
