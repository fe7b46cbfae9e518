package org.dalle.jobs.clip;

import java.io.PrintStream;
import java.nio.file.Path;
import org.dalle.jobs.train.TrainingResult;
import org.dalle.models.clip.RetrievalAccuracy;

/**
 * What a {@code train-clip} run ended with (see {@link ClipTrainer}).
 *
 * @param step updates done
 * @param finished whether all configured steps are done (false after a stop request)
 * @param exitCode 0, or the stop signal's code
 * @param loss the last update's loss (NaN when this invocation took none)
 * @param accuracy the last batch's in-batch top-1 accuracy, both directions averaged
 * @param temperature the temperature after the last update
 * @param retrieval the held-out retrieval accuracies; null unless {@code finished}
 * @param export the export directory, written when {@code finished}
 */
public record TrainClipResult(
    long step,
    boolean finished,
    int exitCode,
    double loss,
    double accuracy,
    double temperature,
    RetrievalAccuracy retrieval,
    Path export)
    implements TrainingResult {

  /** Prints what {@code train-clip} (and the quickstart) shows at the end of a run. */
  public void print(PrintStream out) {
    out.printf(
        "train-clip: %s at step %d. Last update: loss %.4f, in-batch accuracy %.3f, temperature"
            + " %.4f.%n",
        finished ? "done" : "stopped", step, loss, accuracy, temperature);
    if (finished) {
      RetrievalAccuracy r = retrieval;
      out.printf(
          "  held-out retrieval over %d pairs: image->text top-1 %.3f, top-5 %.3f;"
              + " text->image top-1 %.3f, top-5 %.3f%n",
          r.count(),
          r.imageToTextTop1(),
          r.imageToTextTop5(),
          r.textToImageTop1(),
          r.textToImageTop5());
      out.println("  export for reranking: " + export);
    } else {
      out.println("  continue with the same command and --resume");
    }
  }
}
