package org.dalle.jobs.distributed;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import org.dalle.collective.CollectiveTimeouts;
import org.dalle.collective.HelperCommand;
import org.dalle.collective.Rendezvous;
import org.dalle.jobs.train.GradientReducer;
import org.dalle.jobs.train.StateSharding;

/**
 * The training processes this process belongs to, as its environment describes them ({@link
 * Rendezvous}): on its own, the loop's {@link GradientReducer#LOCAL}; one of several, a {@link
 * DataParallel} reducer whose helper is closed with this object, and the {@link ZeroSharding} of
 * the run's {@code zero_stage}.
 */
public final class TrainingRanks implements AutoCloseable {

  /** Environment variable: compress gradients with PowerSGD at this rank (unset: plain mean). */
  public static final String POWERSGD_RANK = "DALLE_POWERSGD_RANK";

  private final GradientReducer reducer;
  private final DataParallel dataParallel;
  private final ZeroSharding sharding;
  private final PrintStream log;

  private TrainingRanks(
      GradientReducer reducer, DataParallel dataParallel, ZeroSharding sharding, PrintStream log) {
    this.reducer = reducer;
    this.dataParallel = dataParallel;
    this.sharding = sharding;
    this.log = log;
  }

  /** One process on its own. */
  public static TrainingRanks alone() {
    return new TrainingRanks(GradientReducer.LOCAL, null, null, System.err);
  }

  /**
   * The ranks that {@code env} describes; with {@code WORLD_SIZE} above 1 this rank's collective
   * helper starts now and joins the others in the background.
   *
   * @param zeroStage how the ranks shard the training state ({@link ZeroSharding})
   */
  public static TrainingRanks fromEnvironment(
      Map<String, String> env, PrintStream log, int zeroStage) throws IOException {
    Rendezvous rendezvous = Rendezvous.fromEnvironment(env);
    if (!rendezvous.isDistributed()) {
      if (zeroStage > 0) {
        log.printf("zero_stage %d has no effect with one process%n", zeroStage);
      }
      return alone();
    }
    String powerSgdRank = env.get(POWERSGD_RANK);
    boolean powerSgd = powerSgdRank != null && !powerSgdRank.isBlank();
    if (powerSgd && zeroStage >= 2) {
      throw new IllegalArgumentException(
          POWERSGD_RANK
              + " is set with zero_stage "
              + zeroStage
              + ": PowerSGD compresses an all-reduce, and stages 2 and 3 reduce-scatter the"
              + " gradients instead; use zero_stage 0 or 1 with PowerSGD");
    }
    log.printf(
        "rank %d of %d: joining the process group at %s:%d%n",
        rendezvous.rank(),
        rendezvous.worldSize(),
        rendezvous.masterAddress(),
        rendezvous.masterPort());
    DataParallel dataParallel =
        DataParallel.start(
            rendezvous,
            CollectiveTimeouts.fromEnvironment(env),
            HelperCommand.locate(env),
            bucketBytes(env),
            log);
    if (!powerSgd) {
      ZeroSharding sharding = new ZeroSharding(dataParallel, dataParallel, zeroStage, log);
      return new TrainingRanks(sharding, dataParallel, sharding, log);
    }
    int rank;
    try {
      rank = Integer.parseInt(powerSgdRank.trim());
    } catch (NumberFormatException e) {
      dataParallel.close();
      throw new IllegalArgumentException(
          POWERSGD_RANK + " is '" + powerSgdRank + "'; expected a rank such as 4", e);
    }
    ZeroSharding sharding =
        new ZeroSharding(dataParallel, PowerSgd.over(dataParallel, rank), zeroStage, log);
    return new TrainingRanks(sharding, dataParallel, sharding, log);
  }

  /** The reducer for {@link org.dalle.jobs.train.TrainingLoop#reduceGradientsWith}. */
  public GradientReducer reducer() {
    return reducer;
  }

  /** The sharding for {@link org.dalle.jobs.train.TrainingLoop#shardStateWith}. */
  public StateSharding sharding() {
    return sharding == null ? StateSharding.NONE : sharding;
  }

  static long bucketBytes(Map<String, String> env) {
    String value = env.getOrDefault(DataParallel.BUCKET_MB, "16");
    try {
      double megabytes = Double.parseDouble(value);
      long bytes = ((long) (megabytes * (1 << 20))) / 8 * 8;
      if (bytes < 8) {
        throw new IllegalArgumentException(
            DataParallel.BUCKET_MB + " is " + value + "; expected a positive size in MiB");
      }
      return bytes;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          DataParallel.BUCKET_MB + " is '" + value + "'; expected a size in MiB", e);
    }
  }

  @Override
  public void close() throws IOException {
    if (sharding != null && sharding.stage() > 0) {
      log.println(sharding.summary());
    }
    if (sharding != null && sharding.allReduce() instanceof PowerSgd powerSgd) {
      log.printf(
          "PowerSGD: %.1f%% of the gradient elements not sent%n", 100 * powerSgd.compression());
    }
    if (dataParallel != null) {
      dataParallel.close();
    }
  }
}
