package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dalle.jobs.logging.ConsoleLog;
import org.dalle.jobs.workflow.JvmStepLauncher;
import org.dalle.jobs.workflow.LocalWorkflowRun;
import org.dalle.jobs.workflow.MountPaths;
import org.dalle.jobs.workflow.WorkflowTemplateFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WorkflowTemplates run as written: {@code dalle-training} and then {@code dalle-evaluation},
 * their step args exactly as the cluster would get them, on this machine through {@code dalle
 * workflow run}'s runner, with tiny configs passed as parameters, on a small synthetic dataset, to
 * a {@code report.html}. A run with a broken parameter stops at that step with its exit code and
 * its log, and is resumed from there.
 */
class WorkflowRunTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path WORKFLOWS = Rendered.K8S.resolve("base/workflows");

  @TempDir Path root;

  @Test
  void theTrainingAndEvaluationTemplatesRunEndToEndAndResume() throws Exception {
    Path configs = Files.createDirectories(root.resolve("configs"));
    tiny("dvae", configs, Map.of("tau_steps", 3, "kl_weight_steps", 2, "reconstruction_images", 4));
    tiny("transformer", configs, Map.of("warmup_steps", 1, "plateau_window", 2));
    tiny("clip", configs, Map.of("warmup_steps", 1, "validation_images", 8));
    Files.writeString(
        configs.resolve("evaluate.yaml"),
        String.join(
            "\n",
            "# In-domain features of a tiny TorchScript network; pod paths, as a cluster's config.",
            "reference: avro:/runs/ci/data/images/*.avro",
            "features: torchscript:/models/tiny_feature_net_logits.pt",
            "protocol: synthetic-tiny",
            "blur: [0]",
            "batch_size: 16",
            "splits: 1",
            ""));
    // What /data and /models hold before any run: the captions to sample for, a feature network.
    Path data = Files.createDirectories(root.resolve("data"));
    Files.writeString(
        data.resolve("captions.jsonl"),
        "{\"id\": \"c0\", \"caption\": \"a small red square\"}\n"
            + "{\"id\": \"c1\", \"caption\": \"a large blue circle\"}\n");
    Files.createDirectories(root.resolve("models"));
    Files.copy(
        Rendered.REPO.resolve(
            "evaluation/src/test/resources/org/dalle/evaluation/features/"
                + "tiny_feature_net_logits.pt"),
        root.resolve("models/tiny_feature_net_logits.pt"));

    Map<String, String> training = new LinkedHashMap<>();
    training.put("run-name", "ci");
    training.put("storage-uri", "/runs");
    training.put("input", "synthetic:24,seed=1,size=64");
    training.put("prepare-config", "configs/prepare/quickstart.yaml");
    training.put("dvae-config", configs.resolve("dvae.yaml").toString());
    training.put("transformer-config", configs.resolve("transformer.yaml").toString());
    training.put("clip-config", configs.resolve("clip.yaml").toString());
    training.put("evaluate-config", configs.resolve("evaluate.yaml").toString());
    training.put("beam-runner", "DirectRunner");
    training.put("dataflow-temp-location", "/runs/tmp");
    training.put("captions", "/data/captions.jsonl");
    training.put("candidates", "2");
    training.put("keep", "2");

    Run trained = run("training.yaml", training);
    assertEquals(0, trained.result.exitCode(), trained.log);
    assertEquals(
        List.of(
            "prepare",
            "train-dvae",
            "encode",
            "train-transformer",
            "train-clip",
            "sample",
            "evaluate"),
        trained.result.ran());
    Path eval = root.resolve("runs/ci/eval");
    assertTrue(Files.isRegularFile(eval.resolve("report.html")), trained.log);
    JsonNode metrics = JSON.readTree(eval.resolve("metrics.json").toFile());
    assertEquals(2, metrics.path("sets").path("top1_reranked").path("images").asInt(), trained.log);

    Run again = run("training.yaml", training);
    assertEquals(0, again.result.exitCode(), again.log);
    assertEquals(List.of(), again.result.ran(), "every step was done: " + again.log);

    Map<String, String> evaluation = new LinkedHashMap<>();
    evaluation.put("run-name", "ci-eval");
    evaluation.put("transformer-checkpoint", "/runs/ci/transformer/export");
    evaluation.put("clip-checkpoint", "/runs/ci/clip/export");
    evaluation.put("dvae-export", "/runs/ci/dvae/export");
    evaluation.put("captions", "/data/captions.jsonl");
    evaluation.put("candidates", "2");
    evaluation.put("keep", "1");
    // A config file that does not exist: evaluate exits 2 (a bad config), after sample has run.
    evaluation.put("evaluate-config", configs.resolve("missing.yaml").toString());
    Run broken = run("evaluation.yaml", evaluation);
    assertEquals(2, broken.result.exitCode(), broken.log);
    assertEquals("evaluate", broken.result.failedStep());
    assertEquals(List.of("sample"), broken.result.ran());
    assertTrue(broken.log.contains("failed with exit code 2"), broken.log);
    assertTrue(broken.log.contains("missing.yaml"), "the step's log is shown: " + broken.log);

    evaluation.put("evaluate-config", configs.resolve("evaluate.yaml").toString());
    Run evaluated = run("evaluation.yaml", evaluation);
    assertEquals(0, evaluated.result.exitCode(), evaluated.log);
    assertEquals(List.of("sample"), evaluated.result.skipped(), "resumed after sample");
    assertEquals(List.of("evaluate"), evaluated.result.ran());
    assertTrue(Files.isRegularFile(root.resolve("runs/ci-eval/eval/report.html")), evaluated.log);

    System.out.printf(
        Locale.ROOT,
        "dalle workflow run: dalle-training %.1f s, dalle-evaluation %.1f s (sample, then"
            + " evaluate on resuming)%n",
        trained.seconds,
        broken.seconds + evaluated.seconds);
  }

  private record Run(LocalWorkflowRun.Result result, String log, double seconds) {}

  private Run run(String file, Map<String, String> parameters) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long start = System.nanoTime();
    LocalWorkflowRun.Result result;
    // The run's progress and failures go to the console log; this test reads them from there.
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ConsoleLog.Redirect console = ConsoleLog.redirectTo(out)) {
      result =
          new LocalWorkflowRun(
                  WorkflowTemplateFile.read(WORKFLOWS.resolve(file)),
                  parameters,
                  MountPaths.under(root),
                  Rendered.REPO,
                  new JvmStepLauncher(
                      Rendered.REPO, List.of("-Xmx2g", "-Dai.djl.pytorch.num_threads=1")))
              .run();
    }
    return new Run(
        result, bytes.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1e9);
  }

  /** configs/MODEL/tiny.yaml cut to a few updates on one thread, written to {@code dir}. */
  private static void tiny(String model, Path dir, Map<String, Object> more) throws IOException {
    ObjectNode config =
        (ObjectNode)
            YAML.readTree(Rendered.REPO.resolve("configs/" + model + "/tiny.yaml").toFile());
    config.put("steps", 3);
    config.put("batch_size", 8);
    config.put("checkpoint_every", 3);
    config.put("threads", 1);
    more.forEach((k, v) -> config.put(k, (Integer) v));
    YAML.writeValue(dir.resolve(model + ".yaml").toFile(), config);
  }
}
