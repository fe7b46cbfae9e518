package org.dalle.jobs.indomain;

import java.io.PrintStream;
import java.nio.file.Path;
import org.dalle.evaluation.indomain.SceneLabels;
import org.dalle.evaluation.metrics.InceptionScore;
import org.dalle.jobs.train.TrainingResult;

/**
 * What a {@code train-evaluator} run ended with (see {@link EvaluatorTrainer}).
 *
 * @param step updates done
 * @param finished whether all configured steps are done (false after a stop request)
 * @param exitCode 0, or the stop signal's code
 * @param evaluation the held-out evaluation, when {@code finished}
 * @param export the export directory, written when {@code finished}
 */
public record TrainEvaluatorResult(
    long step, boolean finished, int exitCode, HeldOutEvaluation evaluation, Path export)
    implements TrainingResult {

  /**
   * Prints what {@code train-evaluator} (and the quickstart) shows at the end of a run.
   *
   * @param runDir the run directory, which holds {@value HeldOutEvaluation#FILE}
   */
  public void print(PrintStream out, String runDir) {
    if (!finished) {
      out.printf(
          "train-evaluator: stopped at step %d; continue with the same command and --resume%n",
          step);
      return;
    }
    HeldOutEvaluation e = evaluation;
    out.printf("train-evaluator: done at step %d.%n", step);
    e.accuracy()
        .forEach(
            (part, heads) -> {
              StringBuilder line = new StringBuilder("  " + part + " accuracy:");
              heads.forEach((head, a) -> line.append(String.format(" %s %.3f", head, a)));
              out.println(line + "  (" + e.counts().get(part) + " images)");
            });
    out.printf("  FID train vs validation images: %.4f%n", e.fidTrainVsValidation());
    printScore(out, "validation", e.validationScore());
    printScore(out, "training", e.trainScore());
    out.println("  evaluation: " + Path.of(runDir).resolve(HeldOutEvaluation.FILE));
    out.println("  export (the FeatureNetwork for FID/IS): " + export);
  }

  /** One IS line; none when the part had fewer images than IS splits. */
  private static void printScore(PrintStream out, String part, InceptionScore.Result score) {
    if (score != null) {
      out.printf(
          "  IS of %s images: %.3f ± %.3f (of %d classes)%n",
          part, score.mean(), score.std(), SceneLabels.synthetic().scoreClasses());
    }
  }
}
