package org.dalle.jobs.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.train.Checkpoint;
import org.dalle.jobs.train.CheckpointStore;
import org.dalle.jobs.train.StopSignal;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.models.transformer.AttentionSchedule;
import org.dalle.models.transformer.TransformerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data parallel on a real process group: {@code dalle train-transformer --nproc 2} (two ranks on
 * loopback, each with its Gloo helper, each on half of every batch) ends with the weights of one
 * process trained on the whole batches, up to float32 rounding (the two halves' gradients are
 * summed in another order).
 */
class DataParallelTransformerTest {

  /** Two layers of width 16, no dropout: with it, each rank would draw its own masks. */
  private static final TransformerConfig MODEL =
      new TransformerConfig(2, 16, 2, 8, 0, 4, 16, 3, 1f / 8, 7f / 8, 0f, AttentionSchedule.SPARSE);

  private static final int STEPS = 4;
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

  static TrainTransformerConfig config(Path out, int batchSize) {
    return config(out, batchSize, STEPS, 100);
  }

  static TrainTransformerConfig config(Path out, int batchSize, long steps, long checkpointEvery) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("data", data.toString());
    settings.put("tokenizer", tokenizer.toString());
    settings.put("out", out.toString());
    settings.put("model", MODEL);
    settings.put("batch_size", batchSize);
    settings.put("steps", steps);
    settings.put("learning_rate", 3e-3);
    settings.put("warmup_steps", 2);
    settings.put("ema_decay", 0.9);
    settings.put("bpe_dropout", 0.0);
    settings.put("checkpoint_every", checkpointEvery);
    settings.put("keep_checkpoints", 2);
    settings.put("seed", 7);
    settings.put("threads", 1);
    return ConfigLoader.load(
        TrainTransformerConfig.class, TrainTransformerConfig.defaults(), null, settings);
  }

  @Test
  void twoRanksOnHalfBatchesReachTheWeightsOfOneProcessOnWholeBatches() throws Exception {
    Path one = trainInOneProcess("one", 8, STEPS);

    Path two = dir.resolve("two");
    Path yaml = writeConfig(two, STEPS, 100);
    int exit = dalle(List.of("train-transformer", "--config", yaml.toString(), "--nproc", "2"));
    assertEquals(0, exit, "dalle train-transformer --nproc 2 failed; see its output above");

    // Rank 0 logged the mean of both ranks' losses: the loss of the whole batch.
    List<JsonNode> a = metrics(one);
    List<JsonNode> b = metrics(two);
    assertEquals(STEPS, b.size());
    for (int i = 0; i < STEPS; i++) {
      assertEquals(
          a.get(i).get("loss").asDouble(), b.get(i).get("loss").asDouble(), 1e-5, "step " + i);
      assertEquals(
          a.get(i).get("grad_norm").asDouble(),
          b.get(i).get("grad_norm").asDouble(),
          1e-4 * a.get(i).get("grad_norm").asDouble(),
          "gradient norm at step " + i);
    }

    double parallel = maxDifference(one, two, Checkpoint.MODEL);
    double ema = maxDifference(one, two, Checkpoint.EMA);
    // One process on half batches: what the ranks would reach without the all-reduce.
    Path half = trainInOneProcess("half", 4, STEPS);
    double unreduced = maxDifference(one, half, Checkpoint.MODEL);
    System.out.printf(
        "data parallel (2 ranks x 4) vs one process (8), after %d updates at lr 3e-3: max |dw| ="
            + " %.3g (EMA %.3g); one process on half batches: %.3g%n",
        STEPS, parallel, ema, unreduced);
    assertTrue(parallel < 2e-5, "weights differ by " + parallel);
    assertTrue(ema < 2e-5, "EMA weights differ by " + ema);
    assertTrue(unreduced > 100 * parallel, "half batches differ only by " + unreduced);
    assertTrue(Files.exists(two.resolve("export")), "rank 0 wrote no export");
  }

  @Test
  void powerSgdAtFullRankReachesTheWeightsOfUncompressedTraining() throws Exception {
    Path one = trainInOneProcess("one", 8, STEPS);
    Path compressed = dir.resolve("powersgd");
    Path yaml = writeConfig(compressed, STEPS, 100);
    // Rank 64 is at least the smaller side of every weight matrix of this model: full rank.
    int exit =
        dalle(
            List.of("train-transformer", "--config", yaml.toString(), "--nproc", "2"),
            Map.of("DALLE_POWERSGD_RANK", "64"));
    assertEquals(0, exit, "dalle train-transformer --nproc 2 with PowerSGD failed");
    double difference = maxDifference(one, compressed, Checkpoint.MODEL);
    System.out.printf(
        "PowerSGD at full rank (2 ranks x 4) vs one process (8), after %d updates: max |dw| ="
            + " %.3g%n",
        STEPS, difference);
    assertTrue(difference < 1e-4, "weights differ by " + difference);
  }

  @Test
  void powerSgdAtRankOneStillLearns() throws Exception {
    long steps = 40;
    Path one = trainInOneProcess("one", 8, steps);
    Path compressed = dir.resolve("rank1");
    Path yaml = writeConfig(compressed, steps, 100);
    int exit =
        dalle(
            List.of("train-transformer", "--config", yaml.toString(), "--nproc", "2"),
            Map.of("DALLE_POWERSGD_RANK", "1"));
    assertEquals(0, exit, "dalle train-transformer --nproc 2 with PowerSGD failed");
    double[] plain = firstAndLast(metrics(one));
    double[] lowRank = firstAndLast(metrics(compressed));
    System.out.printf(
        "loss over %d updates: uncompressed %.3f -> %.3f, PowerSGD rank 1 on 2 ranks %.3f ->"
            + " %.3f%n",
        steps, plain[0], plain[1], lowRank[0], lowRank[1]);
    assertLossFellComparably(plain, lowRank);
  }

  /** The command line of four ranks as two machines of two, on loopback. */
  private static List<String> twoMachinesOfTwo(Path yaml) {
    return List.of(
        "train-transformer", "--config", yaml.toString(), "--nproc", "4", "--ranks-per-node", "2");
  }

  /** Whether rank 1's log says PowerSGD compressed only between machines. */
  private static void assertCompressedBetweenMachines(Path run) throws IOException {
    String log = Files.readString(run.resolve("ranks").resolve("rank-1.log"));
    assertTrue(log.contains("between 2 machines of 2 ranks"), "rank 1 did not run hierarchical");
    assertTrue(log.contains("PowerSGD between machines: each machine sends"), log);
  }

  @Test
  void powerSgdBetweenTwoMachinesOfTwoRanksAtFullRankReachesTheWeightsOfOneProcess()
      throws Exception {
    Path one = trainInOneProcess("one", 8, STEPS);
    Path compressed = dir.resolve("machines");
    Path yaml = writeConfig(compressed, STEPS, 100);
    long t0 = System.nanoTime();
    int exit = dalle(twoMachinesOfTwo(yaml), Map.of("DALLE_POWERSGD_RANK", "64"));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, exit, "4 ranks as 2 machines with PowerSGD failed");
    assertCompressedBetweenMachines(compressed);
    double difference = maxDifference(one, compressed, Checkpoint.MODEL);
    System.out.printf(
        "PowerSGD at full rank between 2 machines of 2 ranks (4 x 2) vs one process (8), after %d"
            + " updates: max |dw| = %.3g (the 4 ranks took %.0f s)%n",
        STEPS, difference, seconds);
    assertTrue(difference < 1e-4, "weights differ by " + difference);
  }

  @Test
  void powerSgdBetweenTwoMachinesOfTwoRanksAtRankOneStillLearns() throws Exception {
    long steps = 40;
    Path one = trainInOneProcess("one", 8, steps);
    Path compressed = dir.resolve("machines-rank1");
    Path yaml = writeConfig(compressed, steps, 100);
    long t0 = System.nanoTime();
    int exit = dalle(twoMachinesOfTwo(yaml), Map.of("DALLE_POWERSGD_RANK", "1"));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, exit, "4 ranks as 2 machines with PowerSGD failed");
    assertCompressedBetweenMachines(compressed);
    double[] plain = firstAndLast(metrics(one));
    double[] lowRank = firstAndLast(metrics(compressed));
    System.out.printf(
        "loss over %d updates: uncompressed %.3f -> %.3f, PowerSGD rank 1 between 2 machines of 2"
            + " ranks %.3f -> %.3f (the 4 ranks took %.0f s)%n",
        steps, plain[0], plain[1], lowRank[0], lowRank[1], seconds);
    assertLossFellComparably(plain, lowRank);
  }

  /** Trains run {@code name} with batches of {@code batchSize} in this JVM; its directory. */
  private Path trainInOneProcess(String name, int batchSize, long steps) throws IOException {
    Path run = dir.resolve(name);
    new TrainingLoop(List.of(), StopSignal.manual())
        .run(new TransformerTrainer(config(run, batchSize, steps, 100)), false);
    return run;
  }

  /** Writes the config of a run into {@code out} (batches of 8) beside it, as YAML; its path. */
  private Path writeConfig(Path out, long steps, long checkpointEvery) throws IOException {
    Path yaml = out.resolveSibling(out.getFileName() + ".yaml");
    Files.writeString(yaml, ConfigLoader.toYaml(config(out, 8, steps, checkpointEvery)));
    return yaml;
  }

  /**
   * Rank-1 factors of 16-wide matrices carry a fraction of each gradient; error feedback delivers
   * the rest later, so the loss must fall by a comparable amount, if more slowly: at least half as
   * much as without compression ({@link #firstAndLast} of each run).
   */
  private static void assertLossFellComparably(double[] plain, double[] lowRank) {
    assertTrue(
        lowRank[0] - lowRank[1] > 0.5 * (plain[0] - plain[1]),
        "PowerSGD's loss fell by "
            + (lowRank[0] - lowRank[1])
            + ", uncompressed by "
            + (plain[0] - plain[1]));
  }

  /** The first update's loss and the mean loss of the last five. */
  private static double[] firstAndLast(List<JsonNode> lines) {
    double last = 0;
    for (int i = lines.size() - 5; i < lines.size(); i++) {
      last += lines.get(i).get("loss").asDouble() / 5;
    }
    return new double[] {lines.get(0).get("loss").asDouble(), last};
  }

  @Test
  void killingOneRankFailsTheRunAndAResumeEndsWithTheUninterruptedWeights() throws Exception {
    Path whole = dir.resolve("whole");
    Path wholeYaml = writeConfig(whole, 8, 2);
    assertEquals(
        0, dalle(List.of("train-transformer", "--config", wholeYaml.toString(), "--nproc", "2")));

    Path killed = dir.resolve("killed");
    Path killedYaml = writeConfig(killed, 8, 2);
    killOneRankAfterThreeUpdates(
        start(List.of("train-transformer", "--config", killedYaml.toString(), "--nproc", "2")),
        killed);

    assertEquals(
        0,
        dalle(
            List.of(
                "train-transformer",
                "--config",
                killedYaml.toString(),
                "--nproc",
                "2",
                "--resume")));
    double difference = maxDifference(whole, killed, Checkpoint.MODEL);
    System.out.printf(
        "killed at step >= 3 and resumed vs uninterrupted: max |dw| = %.3g%n", difference);
    assertEquals(0, difference, "resumed weights differ from the uninterrupted run's");
  }

  @Test
  void aKilledPowerSgdRunResumesWithItsErrorFeedbackToTheUninterruptedWeights() throws Exception {
    // Rank 1: each update leaves most of every gradient matrix in the ranks' error buffers, which a
    // resume must take up where the killed run left them.
    Map<String, String> rankOne = Map.of("DALLE_POWERSGD_RANK", "1");
    Path whole = dir.resolve("whole");
    Path wholeYaml = writeConfig(whole, 6, 2);
    assertEquals(
        0,
        dalle(
            List.of("train-transformer", "--config", wholeYaml.toString(), "--nproc", "2"),
            rankOne));

    Path killed = dir.resolve("killed");
    Path killedYaml = writeConfig(killed, 6, 2);
    List<String> args =
        List.of("train-transformer", "--config", killedYaml.toString(), "--nproc", "2");
    killOneRankAfterThreeUpdates(start(args, rankOne), killed);
    List<String> resume = new ArrayList<>(args);
    resume.add("--resume");
    assertEquals(0, dalle(resume, rankOne));
    double difference = maxDifference(whole, killed, Checkpoint.MODEL);
    System.out.printf(
        "PowerSGD at rank 1 on 2 ranks, killed at step >= 3 and resumed vs uninterrupted: max"
            + " |dw| = %.3g%n",
        difference);
    assertTrue(difference < 2e-5, "resumed weights differ by " + difference);
  }

  /**
   * Once rank 0 of {@code run} (writing to {@code out}, a checkpoint every two updates) has logged
   * three updates, so that a checkpoint exists at step 2, kills one rank; the run must then fail.
   */
  private static void killOneRankAfterThreeUpdates(Process run, Path out) throws Exception {
    Path metrics = out.resolve("metrics.jsonl");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (!(Files.exists(metrics) && Files.readAllLines(metrics).size() >= 3)) {
      assertTrue(run.isAlive() && System.nanoTime() < deadline, "the run ended before step 3");
      Thread.sleep(50);
    }
    ProcessHandle rank =
        run.children().filter(ProcessHandle::isAlive).reduce((a, b) -> b).orElseThrow();
    rank.destroyForcibly();
    assertTrue(run.waitFor(120, TimeUnit.SECONDS), "the other rank hung after its peer died");
    assertTrue(run.exitValue() != 0, "a run with a killed rank exited 0");
  }

  /** Runs the dalle CLI in a child JVM on this test's class path; its exit code. */
  static int dalle(List<String> args) throws IOException, InterruptedException {
    return dalle(args, Map.of());
  }

  /** {@link #dalle(List)} with more environment variables. */
  static int dalle(List<String> args, Map<String, String> env)
      throws IOException, InterruptedException {
    Process process = start(args, env);
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("dalle " + args + " did not finish in 300 s");
    }
    return process.exitValue();
  }

  /** Starts the dalle CLI in a child JVM on this test's class path, its output on this one's. */
  static Process start(List<String> args) throws IOException {
    return start(args, Map.of());
  }

  static Process start(List<String> args, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-Dai.djl.offline=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("org.dalle.jobs.cli.DalleCommand");
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().put("DALLE_COLLECTIVE_TIMEOUT_S", "60");
    builder.environment().putAll(env);
    return builder.start();
  }

  static double maxDifference(Path a, Path b, String file) throws IOException {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDList x = latest(a).readArrays(file, manager);
      NDList y = latest(b).readArrays(file, manager);
      assertEquals(x.size(), y.size());
      double max = 0;
      for (int i = 0; i < x.size(); i++) {
        NDArray left = x.get(i);
        NDArray right = y.get(i);
        assertEquals(left.getName(), right.getName());
        // As floats: an optimizer state holds its step count as an INT64 scalar.
        NDArray difference =
            left.toType(DataType.FLOAT32, false).sub(right.toType(DataType.FLOAT32, false));
        max = Math.max(max, difference.abs().max().getFloat());
      }
      return max;
    }
  }

  private static Checkpoint latest(Path run) throws IOException {
    return new CheckpointStore(run.resolve("checkpoints"), 1).latest().orElseThrow();
  }

  static List<JsonNode> metrics(Path run) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }
}
