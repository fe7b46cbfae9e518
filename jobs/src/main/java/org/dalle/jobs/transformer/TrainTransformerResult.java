package org.dalle.jobs.transformer;

import java.io.PrintStream;
import java.nio.file.Path;
import org.dalle.jobs.train.TrainingResult;

/**
 * What a {@code train-transformer} run ended with (see {@link TransformerTrainer}).
 *
 * @param step updates done
 * @param finished whether all configured steps are done (false after a stop request)
 * @param exitCode 0, or the stop signal's code
 * @param loss, textLoss, imageLoss the last update's losses (NaN when this invocation took none)
 * @param skippedUpdates updates skipped for non-finite gradients in the whole run
 * @param tokensPerSecond sequence tokens (text + image) per second over this invocation
 * @param export the export directory, written when {@code finished}
 */
public record TrainTransformerResult(
    long step,
    boolean finished,
    int exitCode,
    double loss,
    double textLoss,
    double imageLoss,
    long skippedUpdates,
    double tokensPerSecond,
    Path export)
    implements TrainingResult {

  /** Prints what {@code train-transformer} (and the quickstart) shows at the end of a run. */
  public void print(PrintStream out) {
    out.printf(
        "train-transformer: %s at step %d. Last update: loss %.4f (text %.4f, image %.4f nats per"
            + " token), %d updates skipped, %.0f tokens/s.%n",
        finished ? "done" : "stopped",
        step,
        loss,
        textLoss,
        imageLoss,
        skippedUpdates,
        tokensPerSecond);
    if (finished) {
      out.println("  export for `dalle sample`: " + export);
    } else {
      out.println("  continue with the same command and --resume");
    }
  }
}
