package org.dalle.jobs.dvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.train.Checkpoint;
import org.dalle.jobs.train.CheckpointStore;
import org.dalle.jobs.train.StopSignal;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.models.dvae.DvaeExport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvaeTrainerTest {

  /** 16×16 images to an 8×8 grid of 32 codes: a training step takes milliseconds. */
  private static final DvaeConfig MODEL = new DvaeConfig(16, 3, 32, 8, 16, 1, 2);

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  @TempDir Path dir;

  @BeforeAll
  static void writeData() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    ShapeData.write(data, 40, 16);
  }

  private TrainDvaeConfig config(Path out, long steps, long checkpointEvery) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("data", data.toString());
    settings.put("out", out.toString());
    settings.put("model", MODEL);
    settings.put("batch_size", 8);
    settings.put("steps", steps);
    settings.put("learning_rate", 1e-3);
    settings.put("final_learning_rate", 1e-5);
    settings.put("tau_start", 1.0);
    settings.put("tau_end", 1.0 / 16);
    settings.put("tau_steps", steps);
    settings.put("kl_weight", 6.6);
    settings.put("kl_weight_steps", steps);
    settings.put("likelihood", "logit_laplace");
    settings.put("gaussian_sigma", 0.1);
    settings.put("ema_decay", 0.9);
    settings.put("flip", true);
    settings.put("random_crop", true);
    settings.put("checkpoint_every", checkpointEvery);
    settings.put("keep_checkpoints", 2);
    settings.put("reconstruction_images", 4);
    settings.put("reconstruction_check_images", 8);
    settings.put("seed", 7);
    settings.put("threads", 0);
    return ConfigLoader.load(TrainDvaeConfig.class, TrainDvaeConfig.defaults(), null, settings)
        .validate();
  }

  @Test
  void fewStepsWriteMetricsCheckpointsFigureAndExport() throws IOException {
    Path out = dir.resolve("run");
    TrainDvaeResult result =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new DvaeTrainer(config(out, 5, 2)), false);

    assertTrue(result.finished());
    assertEquals(5, result.step());
    List<JsonNode> lines = metrics(out);
    assertEquals(5, lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      assertEquals(i + 1, line.get("step").asLong());
      for (String key :
          List.of(
              "loss",
              "reconstruction",
              "kl",
              "tau",
              "beta",
              "lr",
              "codebook_usage",
              "perplexity")) {
        assertTrue(line.has(key), "metrics line lacks " + key + ": " + line);
      }
      // The argmax reconstruction's MSE is measured at the first update, every
      // MSE_EVERY-th and the last (here 1 and 5), and logged only there.
      long step = line.get("step").asLong();
      boolean measured = step == 1 || step % DvaeTrainer.MSE_EVERY == 0 || step == 5;
      assertEquals(measured, line.has("mse"), "mse at step " + step + ": " + line);
      if (measured) {
        assertTrue(line.get("mse").asDouble() > 0, line.toString());
      }
      int usage = line.get("codebook_usage").asInt();
      assertTrue(usage >= 1 && usage <= 32, "usage " + usage);
      assertTrue(line.get("perplexity").asDouble() <= usage + 1e-9);
    }
    // The schedules start where the paper's do: τ = 1, β = 0, the full learning rate.
    assertEquals(1.0, lines.get(0).get("tau").asDouble());
    assertEquals(0.0, lines.get(0).get("beta").asDouble());
    assertEquals(1e-3, lines.get(0).get("lr").asDouble(), 1e-12);

    // Checkpoints at 2 and 4 and the final one at 5; the store keeps the newest two.
    CheckpointStore store = new CheckpointStore(out.resolve("checkpoints"), 2);
    assertEquals(
        List.of("step-000000004", "step-000000005"),
        store.completeDirs().stream().map(p -> p.getFileName().toString()).toList());
    Checkpoint last = store.latest().orElseThrow();
    assertTrue(last.has(Checkpoint.MODEL) && last.has(Checkpoint.OPTIMIZER));
    assertTrue(last.has(Checkpoint.EMA) && last.has(Checkpoint.CONFIG));

    BufferedImage figure = ImageIO.read(out.resolve(DvaeTrainer.FIGURE).toFile());
    // Two rows of four upscaled 16-pixel images.
    assertTrue(figure.getWidth() > 4 * 96 && figure.getHeight() > 2 * 96, "figure size");
    assertTrue(Double.isFinite(result.heldOutMse()) && Double.isFinite(result.batchMse()));

    assertTrue(DvaeExport.isComplete(result.export()));
    assertEquals(MODEL, DvaeExport.readConfig(result.export()));
    assertTrue(Files.exists(out.resolve("config.yaml")) && Files.exists(out.resolve("run.json")));
  }

  @Test
  void resumedRunMatchesTheUninterruptedOneBitForBit() throws IOException {
    Path whole = dir.resolve("whole");
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new DvaeTrainer(config(whole, 6, 100)), false);

    Path split = dir.resolve("split");
    StopSignal stop = StopSignal.manual();
    TrainDvaeResult first =
        new TrainingLoop(List.of(), stop)
            .onStep(step -> stop.request("test", 3))
            .run(new DvaeTrainer(config(split, 6, 100)), false);
    assertFalse(first.finished());
    assertEquals(1, first.step());
    // Resume twice more, stopping after each update, then run to the end.
    for (long expected = 2; expected <= 3; expected++) {
      StopSignal again = StopSignal.manual();
      TrainDvaeResult next =
          new TrainingLoop(List.of(), again)
              .onStep(step -> again.request("test", 3))
              .run(new DvaeTrainer(config(split, 6, 100)), true);
      assertEquals(expected, next.step());
    }
    TrainDvaeResult end =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new DvaeTrainer(config(split, 6, 100)), true);
    assertTrue(end.finished());

    List<JsonNode> a = metrics(whole);
    List<JsonNode> b = metrics(split);
    assertEquals(6, b.size());
    for (int i = 0; i < 6; i++) {
      // Every figure, at every step: loss, KL, codebook usage, MSE ... are bit-identical.
      assertEquals(a.get(i), b.get(i), "step " + (i + 1));
    }
    for (String file : List.of(Checkpoint.MODEL, Checkpoint.OPTIMIZER, Checkpoint.EMA)) {
      assertArrayEquals(
          Files.readAllBytes(finalCheckpoint(whole).resolve(file)),
          Files.readAllBytes(finalCheckpoint(split).resolve(file)),
          file);
    }
    assertArrayEquals(
        Files.readAllBytes(whole.resolve("export").resolve(DvaeExport.PARAMS_FILE)),
        Files.readAllBytes(split.resolve("export").resolve(DvaeExport.PARAMS_FILE)));
  }

  @Test
  void freshRunRefusesToOverwriteCheckpoints() throws IOException {
    Path out = dir.resolve("run");
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new DvaeTrainer(config(out, 1, 100)), false);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new TrainingLoop(List.of(), StopSignal.manual())
                    .run(new DvaeTrainer(config(out, 1, 100)), false));
    assertTrue(e.getMessage().contains("--resume"), e.getMessage());
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
                throw new AssertionError(line, e);
              }
            })
        .toList();
  }

  @Test
  void nativeArraysStayFlatOverManySteps() throws Exception {
    NDManager root;
    try (NDManager probe = Engine.getInstance().newBaseManager()) {
      root = probe.getParentManager();
    }
    List<Long> live = new ArrayList<>();
    NDManager system = root;
    TrainDvaeResult result =
        new TrainingLoop(List.of(), StopSignal.manual())
            .onStep(step -> live.add(liveResources(system)))
            .run(new DvaeTrainer(config(dir.resolve("long"), 120, 1000)), false);
    assertTrue(result.finished());
    // After the optimizer has made its moments (step 1) and EMA its copies (step 2), every later
    // step must free exactly what it made: one leaked array per step would add 100 here.
    assertEquals(live.get(9), live.get(119), "native resources at steps 10 and 120: " + live);
  }

  /** Native arrays and managers alive under {@code manager}, counted through the whole tree. */
  @SuppressWarnings("unchecked")
  private static long liveResources(NDManager manager) {
    try {
      Field field = BaseNDManager.class.getDeclaredField("resources");
      field.setAccessible(true);
      long count = 0;
      for (AutoCloseable resource : ((Map<String, AutoCloseable>) field.get(manager)).values()) {
        count += 1 + (resource instanceof NDManager child ? liveResources(child) : 0);
      }
      return count;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot read DJL's resource table", e);
    }
  }
}
