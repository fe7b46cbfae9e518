package org.dalle.jobs.indomain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dalle.evaluation.indomain.EvaluatorConfig;
import org.dalle.evaluation.indomain.EvaluatorExport;
import org.dalle.evaluation.indomain.EvaluatorNetwork;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.train.Checkpoint;
import org.dalle.jobs.train.CheckpointStore;
import org.dalle.jobs.train.StopSignal;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.pipelines.prepare.PreparedData;
import org.dalle.pipelines.synthetic.SceneMix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTrainerTest {

  /** 16×16 inputs through two narrow stages: an update takes milliseconds. */
  private static final EvaluatorConfig MODEL = new EvaluatorConfig(16, List.of(4, 8), 1, 16);

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  @TempDir Path dir;

  @BeforeAll
  static void writeData() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    SyntheticData.write(data, 60, 12, 16, 1, SceneMix.DEFAULT);
  }

  private static TrainEvaluatorConfig config(Path data, Path out, long steps, long every) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("data", data.toString());
    settings.put("out", out.toString());
    settings.put("model", MODEL);
    settings.put("batch_size", 8);
    settings.put("steps", steps);
    settings.put("learning_rate", 2e-3);
    settings.put("final_learning_rate", 1e-5);
    settings.put("validation_fraction", 0.25);
    settings.put("eval_every", 2);
    settings.put("checkpoint_every", every);
    settings.put("keep_checkpoints", 2);
    settings.put("seed", 7);
    settings.put("threads", 0);
    return ConfigLoader.load(
        TrainEvaluatorConfig.class, TrainEvaluatorConfig.defaults(), null, settings);
  }

  @Test
  void trainsOnlyOnTheTrainPartAndWritesMetricsCheckpointsEvaluationAndExport() throws IOException {
    LabelledImages.Splits splits =
        LabelledImages.load(
            PreparedData.open(data.toString()),
            org.dalle.evaluation.indomain.SceneLabels.synthetic(),
            16,
            0.25);
    assertEquals(60, splits.train().count() + splits.validation().count());
    assertEquals(12, splits.heldout().count());
    for (int i = 0; i < splits.train().count(); i++) {
      assertTrue(splits.train().id(i).startsWith("train-"), splits.train().id(i));
      assertFalse(LabelledImages.isValidation(splits.train().id(i), 0.25));
    }
    for (int i = 0; i < splits.validation().count(); i++) {
      assertTrue(LabelledImages.isValidation(splits.validation().id(i), 0.25));
    }
    assertTrue(splits.validation().count() >= 5 && splits.validation().count() <= 25);

    Path out = dir.resolve("run");
    TrainEvaluatorResult result =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new EvaluatorTrainer(config(data, out, 5, 2)), false);
    assertTrue(result.finished());
    assertEquals(5, result.step());

    List<JsonNode> lines = metrics(out);
    // Five training lines, and validation accuracy after steps 2, 4 and 5 (the last).
    assertEquals(8, lines.size());
    assertTrue(lines.get(0).has("loss") && lines.get(0).has("lr"));
    assertEquals(2e-3, lines.get(0).get("lr").asDouble(), 1e-12);
    JsonNode validation = lines.get(2);
    assertEquals(2, validation.get("step").asLong());
    for (String head : List.of("colour", "shape", "size", "position", "count", "colour_shape")) {
      double a = validation.get("val_accuracy_" + head).asDouble();
      assertTrue(a >= 0 && a <= 1, head + " " + a);
    }

    CheckpointStore store = new CheckpointStore(out.resolve("checkpoints"), 2);
    assertEquals(
        List.of("step-000000004", "step-000000005"),
        store.completeDirs().stream().map(p -> p.getFileName().toString()).toList());
    Checkpoint last = store.latest().orElseThrow();
    assertTrue(last.has(Checkpoint.MODEL) && last.has(Checkpoint.OPTIMIZER));

    assertTrue(EvaluatorExport.isComplete(result.export()));
    try (EvaluatorNetwork network = EvaluatorNetwork.load(result.export())) {
      assertEquals(MODEL, network.config());
    }
    JsonNode evaluation = JSON.readTree(out.resolve(HeldOutEvaluation.FILE).toFile());
    assertEquals(5, evaluation.get("step").asLong());
    assertEquals(12, evaluation.get("images").get("heldout").asInt());
    assertTrue(evaluation.get("accuracy").has("validation"));
    assertTrue(evaluation.get("accuracy").get("heldout").has("colour_shape"));
    assertTrue(evaluation.get("fid_train_vs_validation").get("value").asDouble() >= -1e-9);
    assertEquals(48, evaluation.get("inception_score").get("classes").asInt());
    double is = evaluation.get("inception_score").get("train").get("mean").asDouble();
    assertTrue(is >= 1 && is <= 48, "IS " + is);
    assertNotNull(result.evaluation());
    assertTrue(Files.exists(out.resolve("config.yaml")) && Files.exists(out.resolve("run.json")));
  }

  @Test
  void resumedRunMatchesTheUninterruptedOneBitForBit() throws IOException {
    Path whole = dir.resolve("whole");
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new EvaluatorTrainer(config(data, whole, 6, 100)), false);

    Path split = dir.resolve("split");
    for (long expected = 1; expected <= 3; expected++) {
      StopSignal stop = StopSignal.manual();
      TrainEvaluatorResult next =
          new TrainingLoop(List.of(), stop)
              .onStep(step -> stop.request("test", 3))
              .run(new EvaluatorTrainer(config(data, split, 6, 100)), expected > 1);
      assertFalse(next.finished());
      assertEquals(expected, next.step());
      assertEquals(3, next.exitCode());
    }
    TrainEvaluatorResult end =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new EvaluatorTrainer(config(data, split, 6, 100)), true);
    assertTrue(end.finished());

    assertEquals(metrics(whole), metrics(split));
    for (String file : List.of(Checkpoint.MODEL, Checkpoint.OPTIMIZER)) {
      assertArrayEquals(
          Files.readAllBytes(finalCheckpoint(whole).resolve(file)),
          Files.readAllBytes(finalCheckpoint(split).resolve(file)),
          file);
    }
    assertArrayEquals(
        Files.readAllBytes(whole.resolve("export").resolve(EvaluatorExport.PARAMS_FILE)),
        Files.readAllBytes(split.resolve("export").resolve(EvaluatorExport.PARAMS_FILE)));
    assertEquals(
        JSON.readTree(whole.resolve(HeldOutEvaluation.FILE).toFile()).get("accuracy"),
        JSON.readTree(split.resolve(HeldOutEvaluation.FILE).toFile()).get("accuracy"));
  }

  @Test
  void freshRunRefusesToOverwriteCheckpoints() throws IOException {
    Path out = dir.resolve("run");
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new EvaluatorTrainer(config(data, out, 1, 100)), false);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new TrainingLoop(List.of(), StopSignal.manual())
                    .run(new EvaluatorTrainer(config(data, out, 1, 100)), false));
    assertTrue(e.getMessage().contains("--resume"), e.getMessage());
  }

  @Test
  void recordsWithoutSyntheticAttributesAreAClearError() throws IOException {
    Path photos = dir.resolve("photos");
    SyntheticData.writeWithoutAttributes(photos, 4, 16);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new TrainingLoop(List.of(), StopSignal.manual())
                    .run(new EvaluatorTrainer(config(photos, dir.resolve("out"), 1, 1)), false));
    assertTrue(
        e.getMessage().contains("synthetic dataset's ground-truth attributes"), e.getMessage());
    assertTrue(e.getMessage().contains("0000000000000000"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("out")), "nothing is written before the data is checked");
  }

  private static Path finalCheckpoint(Path run) throws IOException {
    return new CheckpointStore(run.resolve("checkpoints"), 2).latest().orElseThrow().dir();
  }

  private static List<JsonNode> metrics(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .map(
            line -> {
              try {
                return JSON.readTree(line);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .toList();
  }
}
