package org.dalle.jobs.train;

import java.io.IOException;
import java.util.List;
import java.util.function.LongConsumer;
import org.dalle.jobs.distributed.TrainingRanks;

/**
 * Runs one {@link ModelTrainer} as a {@code train-*} job does, for the CLI and the quickstart
 * alike: the engine's threads from the trainer's settings, Ctrl-C and SIGTERM as a stop request
 * ({@link StopSignal}), the ranks of a data-parallel run from the environment ({@link
 * TrainingRanks}; one process when none are set), then the {@link TrainingLoop}, its progress and
 * messages on standard error.
 */
public final class TrainingJob {
  private TrainingJob() {}

  /**
   * Trains until the configured steps are done or a stop is requested.
   *
   * @param resume whether to continue from the latest checkpoint (a fresh start when there is none)
   *     and whether a changed config may continue it
   * @param args the command line, recorded in {@code run.json}
   * @param onStep called with the step count after each update
   * @return what the trainer's run ended with
   */
  public static <P extends ModelTrainer.Pass, R> R run(
      ModelTrainer<P, R> trainer, ResumeMode resume, List<String> args, LongConsumer onStep)
      throws IOException {
    EngineThreads.beforeLoad(trainer.settings().threads());
    try (StopSignal stop = StopSignal.install();
        TrainingRanks ranks =
            TrainingRanks.fromEnvironment(
                System.getenv(),
                trainer.settings().zeroStage(),
                trainer.settings().ranksPerNode())) {
      return new TrainingLoop(args, stop)
          .reduceGradientsWith(ranks.reducer())
          .shardStateWith(ranks.sharding())
          .onStep(onStep)
          .run(trainer, resume);
    }
  }
}
