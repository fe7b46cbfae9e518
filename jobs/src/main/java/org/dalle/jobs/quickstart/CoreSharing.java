package org.dalle.jobs.quickstart;

import java.util.function.LongConsumer;
import org.dalle.pipelines.encode.ImageTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the quickstart's first process shares the machine's cores with its {@link SideProcess}: one
 * engine thread while the second process runs, every core once it has finished (or when there is
 * none).
 */
final class CoreSharing {
  private static final Logger LOG = LoggerFactory.getLogger(CoreSharing.class);

  private final SideProcess side;
  private final int cores;

  /**
   * @param side the second process; null when the chain runs in one process
   * @param cores the machine's cores
   */
  CoreSharing(SideProcess side, int cores) {
    this.side = side;
    this.cores = cores;
  }

  /** Engine threads for the next stage: one while the second process trains, else every core. */
  void forNextStage() {
    ImageTokenizer.setEngineThreads(side != null && side.isAlive() ? 1 : cores);
  }

  /** Every core for the engine: the second process has finished, or there is none. */
  void all() {
    ImageTokenizer.setEngineThreads(cores);
  }

  /**
   * A training loop's per-update hook that gives this process every core once the second process
   * has finished. It runs on the training thread, where the engine's thread count applies.
   */
  LongConsumer allCoresOnceDone() {
    if (side == null) {
      return step -> {};
    }
    boolean[] switched = {!side.isAlive()};
    return step -> {
      if (!switched[0] && step % 10 == 0 && !side.isAlive()) {
        ImageTokenizer.setEngineThreads(cores);
        switched[0] = true;
        LOG.info(
            String.format(
                "%n  the second process has finished: %d engine threads from here", cores));
      }
    };
  }
}
