package org.dalle.jobs.transformer;

import static org.dalle.jobs.transformer.DataParallelTransformerTest.dalle;
import static org.dalle.jobs.transformer.DataParallelTransformerTest.maxDifference;
import static org.dalle.jobs.transformer.DataParallelTransformerTest.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.train.Checkpoint;
import org.dalle.jobs.train.StopSignal;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.models.transformer.AttentionSchedule;
import org.dalle.models.transformer.TransformerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ZeRO-style sharding on a real process group: {@code dalle train-transformer --nproc 2
 * --zero-stage K} (each rank on half of every batch, keeping only its shard of the optimizer
 * moments and EMA, from stage 2 of the averaged gradients, at stage 3 of the parameters) ends with
 * the weights, EMA and moments of one process trained on the whole batches, up to float32 rounding;
 * a sharded run whose rank was killed resumes from rank 0's whole-state checkpoint to the same end.
 */
class ZeroShardingTransformerTest {

  /** Two layers of width 16, no dropout: with it, each rank would draw its own masks. */
  private static final TransformerConfig MODEL =
      new TransformerConfig(2, 16, 2, 8, 0, 4, 16, 3, 1f / 8, 7f / 8, 0f, AttentionSchedule.SPARSE);

  /** Eight updates with a checkpoint every two: checkpoints gather the sharded state mid-run. */
  private static final long STEPS = 8;

  private static final Pattern MEMORY =
      Pattern.compile(
          "ZeRO stage (\\d) between updates: parameters (\\d+) bytes, gradients (\\d+) bytes,"
              + " optimizer state (\\d+) bytes, EMA (\\d+) bytes; \\d+ in all \\(the whole"
              + " model's parameters are (\\d+) bytes\\)");

  @TempDir static Path data;
  @TempDir static Path reference;
  static Path tokenizer;
  @TempDir Path dir;

  @BeforeAll
  static void writeDataAndTrainOneProcess() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    tokenizer = data.resolve("tokenizer.json");
    TokenData.write(data, 24, TokenData.writeTokenizer(tokenizer, 24), 8, 4, 16);
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new TransformerTrainer(config(reference.resolve("one"))), false);
  }

  static TrainTransformerConfig config(Path out) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("data", data.toString());
    settings.put("tokenizer", tokenizer.toString());
    settings.put("out", out.toString());
    settings.put("model", MODEL);
    settings.put("batch_size", 8);
    settings.put("steps", STEPS);
    settings.put("learning_rate", 3e-3);
    settings.put("warmup_steps", 2);
    settings.put("ema_decay", 0.9);
    settings.put("bpe_dropout", 0.0);
    settings.put("checkpoint_every", 2);
    settings.put("keep_checkpoints", 2);
    settings.put("seed", 7);
    settings.put("threads", 1);
    return ConfigLoader.load(
        TrainTransformerConfig.class, TrainTransformerConfig.defaults(), null, settings);
  }

  @ParameterizedTest(name = "stage {0}")
  @ValueSource(ints = {1, 2, 3})
  void twoShardedRanksOnHalfBatchesReachTheStateOfOneProcessOnWholeBatches(int stage)
      throws Exception {
    Path two = dir.resolve("stage" + stage);
    assertEquals(0, train(two, stage), "dalle train-transformer --zero-stage " + stage + " failed");

    Path one = reference.resolve("one");
    double weights = maxDifference(one, two, Checkpoint.MODEL);
    double ema = maxDifference(one, two, Checkpoint.EMA);
    double moments = maxDifference(one, two, Checkpoint.OPTIMIZER);
    System.out.printf(
        "ZeRO stage %d (2 ranks x 4) vs one process (8), after %d updates at lr 3e-3: max |dw| ="
            + " %.3g, EMA %.3g, AdamW moments %.3g%n",
        stage, STEPS, weights, ema, moments);
    assertTrue(weights < 2e-5, "weights differ by " + weights);
    assertTrue(ema < 2e-5, "EMA weights differ by " + ema);
    assertTrue(moments < 2e-5, "AdamW moments differ by " + moments);

    // Rank 1 logs what it holds between updates: half of the sharded parts of the state.
    Matcher memory = MEMORY.matcher(Files.readString(two.resolve("ranks/rank-1.log")));
    assertTrue(memory.find(), "rank 1 logged no memory line");
    long whole = Long.parseLong(memory.group(6));
    long half = whole / 2 + 4;
    assertEquals(stage, Integer.parseInt(memory.group(1)));
    assertTrue(Long.parseLong(memory.group(4)) <= 2 * half, "optimizer state: " + memory.group());
    assertTrue(Long.parseLong(memory.group(5)) <= half, "EMA: " + memory.group());
    assertEquals(stage >= 2, Long.parseLong(memory.group(3)) <= half, memory.group());
    assertEquals(stage == 3, Long.parseLong(memory.group(2)) <= half, memory.group());
  }

  @Test
  void aKilledShardedRunResumesToTheStateOfOneProcess() throws Exception {
    Path killed = dir.resolve("killed");
    Path yaml = dir.resolve("killed.yaml");
    Files.writeString(yaml, ConfigLoader.toYaml(config(killed)));
    List<String> args =
        List.of(
            "train-transformer", "--config", yaml.toString(), "--nproc", "2", "--zero-stage", "3");
    Process run = start(args, Map.of("DALLE_COLLECTIVE_TIMEOUT_S", "60"));
    // Once rank 0 has logged three updates (a checkpoint exists at step 2), kill one rank.
    Path metrics = killed.resolve("metrics.jsonl");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (!(Files.exists(metrics) && Files.readAllLines(metrics).size() >= 3)) {
      assertTrue(run.isAlive() && System.nanoTime() < deadline, "the run ended before step 3");
      Thread.sleep(20);
    }
    ProcessHandle rank =
        run.children().filter(ProcessHandle::isAlive).reduce((a, b) -> b).orElseThrow();
    rank.destroyForcibly();
    assertTrue(run.waitFor(120, TimeUnit.SECONDS), "the other rank hung after its peer died");
    assertTrue(run.exitValue() != 0, "a run with a killed rank exited 0");

    // Resumed at stage 2: a checkpoint holds the whole state, whatever the stage that wrote it.
    assertEquals(0, train(killed, 2, "--resume"));
    double difference = maxDifference(reference.resolve("one"), killed, Checkpoint.MODEL);
    double moments = maxDifference(reference.resolve("one"), killed, Checkpoint.OPTIMIZER);
    System.out.printf(
        "ZeRO stage 3 killed at step >= 3, resumed at stage 2, vs one process: max |dw| = %.3g,"
            + " AdamW moments %.3g%n",
        difference, moments);
    assertTrue(difference < 2e-5, "resumed weights differ by " + difference);
    assertTrue(moments < 2e-5, "resumed moments differ by " + moments);
  }

  /** Runs {@code dalle train-transformer --nproc 2 --zero-stage K} into {@code out}. */
  private int train(Path out, int stage, String... more) throws Exception {
    Path yaml = out.resolveSibling(out.getFileName() + ".yaml");
    Files.writeString(yaml, ConfigLoader.toYaml(config(out)));
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "train-transformer",
                "--config",
                yaml.toString(),
                "--nproc",
                "2",
                "--zero-stage",
                Integer.toString(stage)));
    args.addAll(List.of(more));
    return dalle(args);
  }
}
