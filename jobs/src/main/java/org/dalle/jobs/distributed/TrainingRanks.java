package org.dalle.jobs.distributed;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import org.dalle.collective.CollectiveTimeouts;
import org.dalle.collective.HelperCommand;
import org.dalle.collective.Rendezvous;
import org.dalle.jobs.train.GradientReducer;

/**
 * The training processes this process belongs to, as its environment describes them ({@link
 * Rendezvous}): on its own, the loop's {@link GradientReducer#LOCAL}; one of several, a {@link
 * DataParallel} reducer whose helper is closed with this object.
 */
public final class TrainingRanks implements AutoCloseable {

  private final GradientReducer reducer;
  private final DataParallel dataParallel;

  private TrainingRanks(GradientReducer reducer, DataParallel dataParallel) {
    this.reducer = reducer;
    this.dataParallel = dataParallel;
  }

  /** One process on its own. */
  public static TrainingRanks alone() {
    return new TrainingRanks(GradientReducer.LOCAL, null);
  }

  /**
   * The ranks that {@code env} describes; with {@code WORLD_SIZE} above 1 this rank's collective
   * helper starts now and joins the others in the background.
   */
  public static TrainingRanks fromEnvironment(Map<String, String> env, PrintStream log)
      throws IOException {
    Rendezvous rendezvous = Rendezvous.fromEnvironment(env);
    if (!rendezvous.isDistributed()) {
      return alone();
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
    return new TrainingRanks(dataParallel, dataParallel);
  }

  /** The reducer for {@link org.dalle.jobs.train.TrainingLoop#reduceGradientsWith}. */
  public GradientReducer reducer() {
    return reducer;
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
    if (dataParallel != null) {
      dataParallel.close();
    }
  }
}
