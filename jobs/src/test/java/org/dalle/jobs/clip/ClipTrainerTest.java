package org.dalle.jobs.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.train.Checkpoint;
import org.dalle.jobs.train.CheckpointStore;
import org.dalle.jobs.train.ResumeMode;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.jobs.train.StopSignal;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.models.clip.ClipConfig;
import org.dalle.models.clip.ClipExport;
import org.dalle.models.clip.ClipScorer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTrainerTest {

  /** A two-group CNN over 16×16 images, one text resblock of width 16 over 8 tokens. */
  private static final ClipConfig MODEL = new ClipConfig(16, 8, 2, 1, 8, 0, 16, 1, 2, 8);

  private static final List<String> COMPARED =
      List.of(
          "loss", "image_to_text", "text_to_image", "accuracy", "temperature", "lr", "grad_norm");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  @TempDir Path dir;

  @BeforeAll
  static void writeData() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    ClipData.write(data, 24, 16);
  }

  static TrainClipConfig config(Path out, long steps, long checkpointEvery) {
    return config(out, steps, checkpointEvery, Map.of());
  }

  static TrainClipConfig config(
      Path out, long steps, long checkpointEvery, Map<String, Object> more) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("data", data.toString());
    settings.put("out", out.toString());
    settings.put("model", MODEL);
    settings.put("batch_size", 4);
    settings.put("steps", steps);
    settings.put("learning_rate", 2e-3);
    settings.put("final_learning_rate", 1e-4);
    settings.put("warmup_steps", 2);
    settings.put("gradient_clip", 1.0);
    settings.put("random_crop", false);
    settings.put("validation_images", 8);
    settings.put("checkpoint_every", checkpointEvery);
    settings.put("keep_checkpoints", 2);
    settings.put("seed", 5);
    settings.put("threads", 0);
    settings.putAll(more);
    return ConfigLoader.load(TrainClipConfig.class, TrainClipConfig.defaults(), null, settings);
  }

  @Test
  void fewStepsWriteMetricsCheckpointsRetrievalAndExport() throws IOException {
    Path out = dir.resolve("run");
    TrainClipResult result =
        new TrainingLoop(List.of("--steps", "5"), StopSignal.manual())
            .run(new ClipTrainer(config(out, 5, 2)), false);

    assertTrue(result.finished());
    assertEquals(5, result.step());
    List<JsonNode> lines = metrics(out);
    assertEquals(5, lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      assertEquals(i + 1, line.get("step").asLong());
      for (String key : List.of("loss", "temperature", "lr", "grad_norm", "pairs_per_s")) {
        assertTrue(line.get(key).asDouble() > 0, key + " in " + line);
      }
      double accuracy = line.get("accuracy").asDouble();
      assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy in " + line);
      double mean =
          (line.get("image_to_text").asDouble() + line.get("text_to_image").asDouble()) / 2;
      assertEquals(mean, line.get("loss").asDouble(), 1e-5);
    }
    // CLIP's initial temperature; linear warm-up over 2 updates to 2e-3, then cosine to 1e-4.
    assertEquals(0.07, lines.get(0).get("temperature").asDouble(), 1e-6);
    assertEquals(1e-3, lines.get(0).get("lr").asDouble(), 1e-12);
    assertEquals(2e-3, lines.get(2).get("lr").asDouble(), 1e-12);
    assertTrue(lines.get(4).get("lr").asDouble() < 2e-3);

    CheckpointStore store = new CheckpointStore(out.resolve("checkpoints"), 2);
    assertEquals(
        List.of("step-000000004", "step-000000005"),
        store.completeDirs().stream().map(p -> p.getFileName().toString()).toList());
    Checkpoint last = store.latest().orElseThrow();
    for (String file :
        List.of(Checkpoint.MODEL, Checkpoint.OPTIMIZER, Checkpoint.CONFIG, ClipTrainer.TOKENIZER)) {
      assertTrue(last.has(file), "checkpoint lacks " + file);
    }
    assertTrue(Files.isRegularFile(out.resolve("config.yaml")));
    assertTrue(Files.readString(out.resolve("run.json")).contains("\"--steps\""));

    JsonNode retrieval = JSON.readTree(out.resolve(ClipTrainer.RETRIEVAL_FILE).toFile());
    assertEquals(5, retrieval.get("step").asLong());
    assertEquals(8, retrieval.get("pairs").asInt());
    for (String key :
        List.of(
            "image_to_text_top1",
            "image_to_text_top5",
            "text_to_image_top1",
            "text_to_image_top5")) {
      double value = retrieval.get(key).asDouble();
      assertTrue(value >= 0 && value <= 1, key + " in " + retrieval);
    }
    assertEquals(
        result.retrieval().imageToTextTop5(), retrieval.get("image_to_text_top5").asDouble());
    assertTrue(
        result.retrieval().imageToTextTop5() >= result.retrieval().imageToTextTop1(),
        "top-5 contains top-1");

    assertTrue(ClipExport.isComplete(result.export()));
    try (NDManager manager = NDManager.newBaseManager();
        ClipScorer scorer = ClipExport.read(result.export(), manager)) {
      assertEquals(280, scorer.model().config().textVocabSize());
      assertEquals(280, scorer.tokenizer().vocabSize());
    }
  }

  @Test
  void resumedRunMatchesTheUninterruptedOne() throws IOException {
    Path whole = dir.resolve("whole");
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new ClipTrainer(config(whole, 6, 100)), false);

    Path split = dir.resolve("split");
    for (long expected = 1; expected <= 3; expected++) {
      StopSignal stop = StopSignal.manual();
      TrainClipResult part =
          new TrainingLoop(List.of(), stop)
              .onStep(step -> stop.request("test", 3))
              .run(new ClipTrainer(config(split, 6, 100)), expected > 1);
      assertFalse(part.finished());
      assertEquals(expected, part.step());
      assertEquals(3, part.exitCode());
      assertFalse(Files.exists(split.resolve(ClipTrainer.RETRIEVAL_FILE)));
    }
    TrainClipResult end =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new ClipTrainer(config(split, 6, 100)), true);
    assertTrue(end.finished());

    assertSameSteps(whole, split, 6);
    for (String file : List.of(Checkpoint.MODEL, Checkpoint.OPTIMIZER)) {
      assertArrayEquals(
          Files.readAllBytes(finalCheckpoint(whole).resolve(file)),
          Files.readAllBytes(finalCheckpoint(split).resolve(file)),
          file);
    }
    assertArrayEquals(
        Files.readAllBytes(whole.resolve(ClipTrainer.RETRIEVAL_FILE)),
        Files.readAllBytes(split.resolve(ClipTrainer.RETRIEVAL_FILE)));
  }

  @Test
  void hardNegativesJoinTheLossAndAResumedRunDrawsTheSameOnes() throws IOException {
    Map<String, Object> swaps =
        Map.of(
            "negative_swaps",
            List.of(List.of("red", "green", "blue", "yellow"), List.of("square", "disc")));
    Path plain = dir.resolve("plain");
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new ClipTrainer(config(plain, 4, 100)), false);
    Path whole = dir.resolve("whole");
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new ClipTrainer(config(whole, 4, 100, swaps)), false);
    // The same weights and batch at the first update: only the negative captions differ, and
    // they can only add to the image->text term (more captions in each row's softmax).
    double plainFirst = metrics(plain).get(0).get("image_to_text").asDouble();
    double swappedFirst = metrics(whole).get(0).get("image_to_text").asDouble();
    assertTrue(swappedFirst > plainFirst, swappedFirst + " against " + plainFirst);
    assertEquals(
        metrics(plain).get(0).get("text_to_image").asDouble(),
        metrics(whole).get(0).get("text_to_image").asDouble(),
        1e-6,
        "the text->image term does not see the negatives");

    Path split = dir.resolve("split");
    StopSignal stop = StopSignal.manual();
    new TrainingLoop(List.of(), stop)
        .onStep(step -> stop.request("test", 3))
        .run(new ClipTrainer(config(split, 4, 100, swaps)), false);
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new ClipTrainer(config(split, 4, 100, swaps)), true);
    assertSameSteps(whole, split, 4);
  }

  @Test
  void refusesToOverwriteACheckpointedRunOrTrainOnTooLittleData() throws IOException {
    Path out = dir.resolve("run");
    StopSignal stop = StopSignal.manual();
    new TrainingLoop(List.of(), stop)
        .onStep(step -> stop.request("test", 3))
        .run(new ClipTrainer(config(out, 3, 100)), false);
    IllegalStateException again =
        assertThrows(
            IllegalStateException.class,
            () ->
                new TrainingLoop(List.of(), StopSignal.manual())
                    .run(new ClipTrainer(config(out, 3, 100)), false));
    assertTrue(again.getMessage().contains("pass --resume"), again.getMessage());

    TrainClipConfig tooMany = config(dir.resolve("small"), 3, 100, Map.of("batch_size", 20));
    IllegalArgumentException small =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new TrainingLoop(List.of(), StopSignal.manual())
                    .run(new ClipTrainer(tooMany), false));
    assertEquals(
        data + " holds 24 pairs; expected at least validation_images (8) + batch_size (20)",
        small.getMessage());
  }

  /**
   * {@code --resume} with another config would silently continue a different run: it is refused
   * with the changed keys named, unless allowed, and then run.json records the changes.
   */
  @Test
  void resumeRefusesAChangedConfigUnlessAllowedAndRecordsIt() throws IOException {
    Path out = dir.resolve("run");
    StopSignal stop = StopSignal.manual();
    new TrainingLoop(List.of(), stop)
        .onStep(step -> stop.request("test", 3))
        .run(new ClipTrainer(config(out, 3, 100)), ResumeMode.FRESH);
    TrainClipConfig changed =
        config(out, 3, 100, Map.of("learning_rate", 1e-3, "threads", 1, "keep_checkpoints", 3));

    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new TrainingLoop(List.of(), StopSignal.manual())
                    .run(new ClipTrainer(changed), ResumeMode.RESUME));
    assertTrue(
        refused.getMessage().contains(" in learning_rate: 0.002 -> 0.001. "), refused.getMessage());
    assertTrue(refused.getMessage().contains("--allow-config-change"), refused.getMessage());
    assertEquals(1, runJson(out).get("invocations").size(), "a refused resume leaves no trace");

    TrainClipResult end =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new ClipTrainer(changed), ResumeMode.RESUME_ALLOWING_CONFIG_CHANGE);
    assertTrue(end.finished());
    JsonNode invocations = runJson(out).get("invocations");
    assertEquals(2, invocations.size());
    assertEquals(
        "[\"learning_rate: 0.002 -> 0.001\"]", invocations.get(1).get("config_changes").toString());
    assertNotEquals(invocations.get(0).get("config_hash"), invocations.get(1).get("config_hash"));
    assertEquals(data.toString(), invocations.get(1).get("input").get("data").asText());
    String history = Files.readString(out.resolve(RunDirectory.CONFIG_HISTORY));
    assertTrue(history.contains("learning_rate: 0.002\n"), history);
    assertTrue(history.contains("learning_rate: 0.001\n"), history);
  }

  private static JsonNode runJson(Path out) throws IOException {
    return JSON.readTree(out.resolve(RunDirectory.RUN_INFO).toFile());
  }

  private static Path finalCheckpoint(Path run) throws IOException {
    return new CheckpointStore(run.resolve("checkpoints"), 2).latest().orElseThrow().dir();
  }

  /** The first {@code steps} metrics lines of both runs agree on every compared figure. */
  private static void assertSameSteps(Path whole, Path split, int steps) throws IOException {
    List<JsonNode> a = metrics(whole);
    List<JsonNode> b = metrics(split);
    assertEquals(steps, b.size());
    for (int i = 0; i < steps; i++) {
      for (String key : COMPARED) {
        assertEquals(a.get(i).get(key), b.get(i).get(key), key + " at step " + (i + 1));
      }
    }
  }

  private static List<JsonNode> metrics(Path run) throws IOException {
    List<JsonNode> lines = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }
}
