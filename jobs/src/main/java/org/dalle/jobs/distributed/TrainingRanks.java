package org.dalle.jobs.distributed;

import java.io.IOException;
import java.util.Map;
import org.dalle.collective.CollectiveTimeouts;
import org.dalle.collective.HelperCommand;
import org.dalle.collective.NodeLayout;
import org.dalle.collective.Rendezvous;
import org.dalle.jobs.train.GradientReducer;
import org.dalle.jobs.train.StateSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training processes this process belongs to, as its environment describes them ({@link
 * Rendezvous}): on its own, the loop's {@link GradientReducer#LOCAL}; one of several, a {@link
 * DataParallel} reducer whose helper is closed with this object, and the {@link ZeroSharding} of
 * the run's {@code zero_stage}.
 */
public final class TrainingRanks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingRanks.class);

  /** Environment variable: compress gradients with PowerSGD at this rank (unset: plain mean). */
  public static final String POWERSGD_RANK = "DALLE_POWERSGD_RANK";

  private final GradientReducer reducer;
  private final DataParallel dataParallel;
  private final ZeroSharding sharding;

  private TrainingRanks(GradientReducer reducer, DataParallel dataParallel, ZeroSharding sharding) {
    this.reducer = reducer;
    this.dataParallel = dataParallel;
    this.sharding = sharding;
  }

  /** One process on its own. */
  public static TrainingRanks alone() {
    return new TrainingRanks(GradientReducer.LOCAL, null, null);
  }

  /**
   * The ranks that {@code env} describes; with {@code WORLD_SIZE} above 1 this rank's collective
   * helper starts now and joins the others in the background.
   *
   * @param zeroStage how the ranks shard the training state ({@link ZeroSharding})
   * @param ranksPerNode ranks per machine, or 0 for {@code LOCAL_WORLD_SIZE} or else one machine
   *     ({@link NodeLayout#resolve})
   */
  public static TrainingRanks fromEnvironment(
      Map<String, String> env, int zeroStage, int ranksPerNode) throws IOException {
    Rendezvous rendezvous = Rendezvous.fromEnvironment(env);
    if (!rendezvous.isDistributed()) {
      if (zeroStage > 0) {
        LOG.info(String.format("zero_stage %d has no effect with one process", zeroStage));
      }
      return alone();
    }
    NodeLayout layout = NodeLayout.resolve(env, ranksPerNode, rendezvous.worldSize());
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
    LOG.info(
        String.format(
            "rank %d of %d (machine %d of %d, local rank %d): joining the process group at %s:%d",
            rendezvous.rank(),
            rendezvous.worldSize(),
            layout.node(rendezvous.rank()),
            layout.nodes(),
            layout.localRank(rendezvous.rank()),
            rendezvous.masterAddress(),
            rendezvous.masterPort()));
    DataParallel dataParallel =
        DataParallel.start(
            rendezvous,
            layout,
            CollectiveTimeouts.fromEnvironment(env),
            HelperCommand.locate(env),
            bucketBytes(env));
    if (!powerSgd) {
      ZeroSharding sharding = new ZeroSharding(dataParallel, dataParallel, zeroStage);
      return new TrainingRanks(sharding, dataParallel, sharding);
    }
    int rank;
    try {
      rank = Integer.parseInt(powerSgdRank.trim());
    } catch (NumberFormatException e) {
      dataParallel.close();
      throw new IllegalArgumentException(
          POWERSGD_RANK + " is '" + powerSgdRank + "'; expected a rank such as 4", e);
    }
    LOG.info(powerSgdArrangement(layout, rank));
    PowerSgd compressor =
        layout.isHierarchical()
            ? PowerSgd.betweenMachines(dataParallel, rank)
            : PowerSgd.over(dataParallel, rank);
    ZeroSharding sharding = new ZeroSharding(dataParallel, compressor, zeroStage);
    return new TrainingRanks(sharding, dataParallel, sharding);
  }

  /** Which all-reduce PowerSGD compresses on {@code layout}, for the log. */
  static String powerSgdArrangement(NodeLayout layout, int rank) {
    if (layout.isHierarchical()) {
      return String.format(
          "PowerSGD at rank %d between %d machines of %d ranks: a plain all-reduce inside each"
              + " machine, then each local rank compresses its share of the gradients between"
              + " machines",
          rank, layout.nodes(), layout.ranksPerNode());
    }
    if (layout.nodes() == 1) {
      return String.format(
          "PowerSGD at rank %d, one machine of %d ranks: PowerSGD compresses the all-reduce among"
              + " its own ranks; there is no link between machines",
          rank, layout.worldSize());
    }
    return String.format(
        "PowerSGD at rank %d, %d machines of one rank: PowerSGD compresses the all-reduce between"
            + " machines, each rank all its gradients",
        rank, layout.nodes());
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
      LOG.info(sharding.summary());
    }
    if (sharding != null && sharding.allReduce() instanceof PowerSgd powerSgd) {
      LOG.info(powerSgd.summary());
    }
    if (dataParallel != null) {
      dataParallel.close();
    }
  }
}
