package org.dalle.jobs.dvae;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import org.dalle.jobs.train.TrainingResult;

/**
 * What a {@code train-dvae} run ended with (see {@link DvaeTrainer}).
 *
 * @param step updates done
 * @param finished whether all configured steps are done (false after a stop request)
 * @param exitCode 0, or the stop signal's code
 * @param batchMse reconstruction MSE of the last batch (training weights, argmax codes); NaN when
 *     this invocation took no step
 * @param codebookUsage distinct codes in the last batch; 0 when this invocation took no step
 * @param perplexity of the last batch's codes; NaN when this invocation took no step
 * @param heldOutMse reconstruction MSE of the held-out images with the EMA weights
 * @param reconstructions the figure
 * @param export the export directory, written when {@code finished}
 * @param reconstructionCheck the reconstruction check's figures; empty when it did not run
 * @param reconstructionCheckSkipped why the check did not run; empty when it ran
 */
public record TrainDvaeResult(
    long step,
    boolean finished,
    int exitCode,
    double batchMse,
    int codebookUsage,
    double perplexity,
    double heldOutMse,
    Path reconstructions,
    Path export,
    Optional<ReconstructionCheckResult> reconstructionCheck,
    String reconstructionCheckSkipped)
    implements TrainingResult {

  /** Prints what {@code train-dvae} (and the quickstart) shows at the end of a run. */
  public void print(PrintStream out, TrainDvaeConfig config) {
    out.printf(
        "train-dvae: %s at step %d. Last batch: reconstruction MSE %.4f, codebook usage %d of %d"
            + " codes (perplexity %.1f). Held-out MSE (EMA weights): %.4f.%n"
            + "  reconstructions: %s%n",
        finished ? "done" : "stopped",
        step,
        batchMse,
        codebookUsage,
        config.model().vocabSize(),
        perplexity,
        heldOutMse,
        reconstructions);
    if (reconstructionCheck.isPresent()) {
      out.println("  " + reconstructionCheck.get().line());
      out.printf(
          "  reconstruction check: %s, %s%n",
          Path.of(config.training().out(), ReconstructionCheckResult.FILE),
          Path.of(config.training().out(), ReconstructionCheckResult.FIGURE));
    } else {
      out.println("  reconstruction check skipped: " + reconstructionCheckSkipped);
    }
    if (finished) {
      out.println("  export for `dalle encode`: " + export);
    } else {
      out.println("  continue with the same command and --resume");
    }
  }
}
