package org.dalle.jobs.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.stream.Stream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.train.Checkpoint;
import org.dalle.jobs.train.CheckpointStore;
import org.dalle.jobs.train.StopSignal;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.models.transformer.AttentionSchedule;
import org.dalle.models.transformer.PriorExport;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.pipelines.encode.EncodePipeline;
import org.dalle.pipelines.prepare.PrepareSummary;
import org.dalle.pipelines.prepare.PreparedData;
import org.dalle.schemas.CaptionedImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransformerTrainerTest {

  /** Two layers of width 16 over 8 text tokens and a 4×4 grid of 16 codes; vocabulary from BPE. */
  private static final TransformerConfig MODEL =
      new TransformerConfig(
          2, 16, 2, 8, 0, 4, 16, 3, 1f / 8, 7f / 8, 0.1f, AttentionSchedule.SPARSE);

  private static final List<String> COMPARED =
      List.of("loss", "text_loss", "image_loss", "grad_norm", "lr", "skipped_updates");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  static Path tokenizer;
  @TempDir Path dir;

  @BeforeAll
  static void writeData() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    tokenizer = data.resolve("tokenizer.json");
    TokenData.write(data, 24, TokenData.writeTokenizer(tokenizer, 24), 8, 4, 16);
  }

  static TrainTransformerConfig config(
      Path out, long steps, long checkpointEvery, Precision precision) {
    return config(out, steps, checkpointEvery, precision, 3e-3);
  }

  static TrainTransformerConfig config(
      Path out, long steps, long checkpointEvery, Precision precision, double lr) {
    return config(out, steps, checkpointEvery, precision, lr, Map.of());
  }

  static TrainTransformerConfig config(
      Path out,
      long steps,
      long checkpointEvery,
      Precision precision,
      double lr,
      Map<String, Object> more) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("data", data.toString());
    settings.put("tokenizer", tokenizer.toString());
    settings.put("out", out.toString());
    settings.put("model", MODEL);
    settings.put("batch_size", 4);
    settings.put("steps", steps);
    settings.put("learning_rate", lr);
    settings.put("warmup_steps", 2);
    settings.put("plateau_window", 1);
    settings.put("plateau_patience", 1);
    settings.put("max_halvings", 5);
    settings.put("ema_decay", 0.9);
    settings.put("bpe_dropout", 0.1);
    settings.put("precision", precision);
    settings.put("replicas", 1);
    settings.put("checkpoint_every", checkpointEvery);
    settings.put("keep_checkpoints", 2);
    settings.put("seed", 7);
    settings.put("threads", 0);
    settings.putAll(more);
    return ConfigLoader.load(
        TrainTransformerConfig.class, TrainTransformerConfig.defaults(), null, settings);
  }

  @Test
  void fewStepsWriteMetricsCheckpointsAndExport() throws IOException {
    Path out = dir.resolve("run");
    TrainTransformerResult result =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new TransformerTrainer(config(out, 5, 2, Precision.FP32)), false);

    assertTrue(result.finished());
    assertEquals(5, result.step());
    List<JsonNode> lines = metrics(out);
    assertEquals(5, lines.size());
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      assertEquals(i + 1, line.get("step").asLong());
      for (String key :
          List.of("loss", "text_loss", "image_loss", "grad_norm", "lr", "tokens_per_s")) {
        assertTrue(line.get(key).asDouble() > 0, key + " in " + line);
      }
      assertEquals(0, line.get("skipped_updates").asLong());
      // The total is the paper's weighting of the two cross-entropies.
      double weighted =
          line.get("text_loss").asDouble() / 8 + 7 * line.get("image_loss").asDouble() / 8;
      assertEquals(weighted, line.get("loss").asDouble(), 1e-5);
    }
    // Linear warm-up over 2 updates to 3e-3.
    assertEquals(1.5e-3, lines.get(0).get("lr").asDouble(), 1e-12);
    assertEquals(3e-3, lines.get(1).get("lr").asDouble(), 1e-12);

    CheckpointStore store = new CheckpointStore(out.resolve("checkpoints"), 2);
    assertEquals(
        List.of("step-000000004", "step-000000005"),
        store.completeDirs().stream().map(p -> p.getFileName().toString()).toList());
    Checkpoint last = store.latest().orElseThrow();
    for (String file :
        List.of(
            Checkpoint.MODEL,
            Checkpoint.OPTIMIZER,
            Checkpoint.EMA,
            Checkpoint.CONFIG,
            TrainerState.FILE,
            TransformerTrainer.TOKENIZER)) {
      assertTrue(last.has(file), "checkpoint lacks " + file);
    }
    // The resolved config names the tokenizer's vocabulary, not the 0 it was given.
    assertTrue(last.readText(Checkpoint.CONFIG).contains("text_vocab_size: 280"));

    assertTrue(PriorExport.isComplete(result.export()));
    try (NDManager manager = NDManager.newBaseManager()) {
      PriorExport.Loaded loaded = PriorExport.read(result.export(), manager);
      assertEquals(280, loaded.model().config().textVocabSize());
      assertEquals(280, loaded.tokenizer().vocabSize());
    }
  }

  @Test
  void withoutATokenizerItTakesThatOfThePreparedDataTheTokensRunJsonNames() throws IOException {
    Path prepared = Files.createDirectories(dir.resolve("prepared").resolve(PreparedData.IMAGES));
    try (DataFileWriter<CaptionedImage> shard =
        new DataFileWriter<>(new SpecificDatumWriter<>(CaptionedImage.class))) {
      shard.create(CaptionedImage.getClassSchema(), prepared.resolve("part-0.avro").toFile());
    }
    prepared = prepared.getParent();
    Files.copy(tokenizer, prepared.resolve(PreparedData.TOKENIZER));
    PrepareSummary.allWritten(0).writeTo(prepared);
    Path tokens = Files.createDirectories(dir.resolve("tokens").resolve("tokens"));
    try (Stream<Path> shards = Files.list(data.resolve("tokens"))) {
      for (Path shard : shards.toList()) {
        Files.copy(shard, tokens.resolve(shard.getFileName()));
      }
    }
    tokens = tokens.getParent();
    JSON.writeValue(
        tokens.resolve("run.json").toFile(),
        Map.of(EncodePipeline.PREPARED_DATA, prepared.toString()));

    Path out = dir.resolve("run");
    Map<String, Object> more = new LinkedHashMap<>();
    more.put("data", tokens.toString());
    more.put("tokenizer", null);
    TrainTransformerResult result =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new TransformerTrainer(config(out, 1, 1, Precision.FP32, 3e-3, more)), false);

    Checkpoint last = new CheckpointStore(out.resolve("checkpoints"), 2).latest().orElseThrow();
    assertEquals(Files.readString(tokenizer), last.readText(TransformerTrainer.TOKENIZER));
    assertTrue(
        last.readText(Checkpoint.CONFIG).contains(prepared.resolve("tokenizer.json").toString()),
        last.readText(Checkpoint.CONFIG));
    assertTrue(result.finished());
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void resumedRunMatchesTheUninterruptedOne(Precision precision) throws IOException {
    Path whole = dir.resolve("whole");
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new TransformerTrainer(config(whole, 6, 100, precision, 0.1)), false);

    Path split = dir.resolve("split");
    for (long expected = 1; expected <= 3; expected++) {
      StopSignal stop = StopSignal.manual();
      TrainTransformerResult part =
          new TrainingLoop(List.of(), stop)
              .onStep(step -> stop.request("test", 3))
              .run(new TransformerTrainer(config(split, 6, 100, precision, 0.1)), expected > 1);
      assertFalse(part.finished());
      assertEquals(expected, part.step());
      assertEquals(3, part.exitCode());
    }
    TrainTransformerResult end =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new TransformerTrainer(config(split, 6, 100, precision, 0.1)), true);
    assertTrue(end.finished());

    List<JsonNode> a = metrics(whole);
    List<JsonNode> b = metrics(split);
    assertEquals(6, b.size());
    for (int i = 0; i < 6; i++) {
      for (String key : COMPARED) {
        assertEquals(a.get(i).get(key), b.get(i).get(key), key + " at step " + (i + 1));
      }
    }
    // The plateau rule halved the learning rate in both runs alike (window 1, patience 1).
    assertTrue(a.get(5).get("lr").asDouble() < 0.1, "no halving: " + a);
    for (String file : List.of(Checkpoint.MODEL, Checkpoint.OPTIMIZER, Checkpoint.EMA)) {
      assertArrayEquals(
          Files.readAllBytes(finalCheckpoint(whole).resolve(file)),
          Files.readAllBytes(finalCheckpoint(split).resolve(file)),
          file);
    }
    assertArrayEquals(
        Files.readAllBytes(whole.resolve("export").resolve(PriorExport.PARAMS_FILE)),
        Files.readAllBytes(split.resolve("export").resolve(PriorExport.PARAMS_FILE)));
  }

  @Test
  void fp16StepsTrackTheFp32LossAndGrowTheGradientScales() throws IOException {
    Path fp32 = dir.resolve("fp32");
    Path fp16 = dir.resolve("fp16");
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new TransformerTrainer(config(fp32, 3, 100, Precision.FP32)), false);
    TrainTransformerResult half =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new TransformerTrainer(config(fp16, 3, 100, Precision.FP16)), false);
    assertEquals(0, half.skippedUpdates());
    List<JsonNode> a = metrics(fp32);
    List<JsonNode> b = metrics(fp16);
    for (int i = 0; i < 3; i++) {
      // Same weights, data and dropout: float16 resblocks change the loss only by rounding.
      assertEquals(
          a.get(i).get("loss").asDouble(), b.get(i).get("loss").asDouble(), 2e-2, "step " + i);
      assertEquals(
          a.get(i).get("grad_norm").asDouble(),
          b.get(i).get("grad_norm").asDouble(),
          0.05 * a.get(i).get("grad_norm").asDouble(),
          "gradient norm at step " + i);
      // Scales start at 2^13 and grow by 2^(1/1000) after every clean update.
      assertEquals(8192 * Math.pow(2, i / 1000.0), b.get(i).get("max_grad_scale").asDouble(), 1e-2);
    }
    assertFalse(a.get(0).has("max_grad_scale"));
  }

  @Test
  void fp16OverflowSkipsTheUpdateAndLowersTheScaleOnce() throws IOException {
    // M = 2^20 replicas start every scale at 2^33: the scaled float16 gradients overflow.
    TrainTransformerConfig overflowing =
        config(dir.resolve("overflow"), 3, 100, Precision.FP16, 3e-3, Map.of("replicas", 1 << 20));
    TrainTransformerResult result =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new TransformerTrainer(overflowing), false);
    assertEquals(3, result.skippedUpdates());
    List<JsonNode> lines = metrics(dir.resolve("overflow"));
    double start = Math.pow(2, 33);
    assertEquals(start, lines.get(0).get("max_grad_scale").asDouble(), 1);
    // Lowered by √2 after the first overflow, then held: at most one decrease per 125 updates.
    assertEquals(start / Math.sqrt(2), lines.get(1).get("max_grad_scale").asDouble(), 1e3);
    assertEquals(start / Math.sqrt(2), lines.get(2).get("max_grad_scale").asDouble(), 1e3);
    for (int i = 0; i < 3; i++) {
      assertEquals(i + 1, lines.get(i).get("skipped_updates").asLong());
    }
  }

  @Test
  void freshRunRefusesToOverwriteCheckpoints() throws IOException {
    Path out = dir.resolve("run");
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new TransformerTrainer(config(out, 1, 100, Precision.FP32)), false);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new TrainingLoop(List.of(), StopSignal.manual())
                    .run(new TransformerTrainer(config(out, 1, 100, Precision.FP32)), false));
    assertTrue(e.getMessage().contains("--resume"), e.getMessage());
  }

  @Test
  void recordsThatDoNotFitTheModelAreRejectedByName() {
    TrainTransformerConfig c = config(dir.resolve("run"), 1, 100, Precision.FP32);
    TransformerConfig m = c.model();
    TransformerConfig grid6 =
        new TransformerConfig(
            m.layers(),
            m.dModel(),
            m.heads(),
            m.textLength(),
            0,
            6,
            m.imageVocabSize(),
            m.convKernel(),
            m.textLossWeight(),
            m.imageLossWeight(),
            m.dropout(),
            m.attention());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TokenizedDataset.load(data, grid6));
    assertTrue(
        e.getMessage().contains("4x4 grid") && e.getMessage().contains("grid_size"),
        e.getMessage());

    IllegalArgumentException vocab =
        assertThrows(
            IllegalArgumentException.class,
            () -> c.withTokenizerVocabulary(300).withTokenizerVocabulary(280));
    assertTrue(vocab.getMessage().contains("text_vocab_size is 300"), vocab.getMessage());
  }

  private static Path finalCheckpoint(Path run) throws IOException {
    return new CheckpointStore(run.resolve("checkpoints"), 2).latest().orElseThrow().dir();
  }

  static List<JsonNode> metrics(Path run) throws IOException {
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
}
