package org.dalle.jobs.quickstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dalle.evaluation.indomain.EvaluatorExport;
import org.dalle.models.clip.ClipExport;
import org.dalle.pipelines.encode.ImageTokenizer;
import org.dalle.pipelines.prepare.PrepareConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dalle quickstart}: the whole chain on the embedded synthetic dataset with the tiny configs
 * under {@code configs/}, on the local CPU, as a chain of {@link Stage}s: prepare, train-dvae,
 * encode, train-transformer, train-clip, train-evaluator, sample and evaluate. Stages whose outputs
 * are complete are skipped, so an interrupted quickstart continues where it stopped. With two cores
 * or more, train-clip and train-evaluator run in a {@link SideProcess} beside train-dvae and
 * train-transformer.
 */
public final class Quickstart {
  private static final Logger LOG = LoggerFactory.getLogger(Quickstart.class);

  /** The prepare config the chain starts from, whose synthetic image count can be replaced. */
  public static final String PREPARE_CONFIG = QuickstartRun.PREPARE_CONFIG;

  private final QuickstartRun run;
  private final Integer images;
  private final boolean parallel;
  private final String mainClass;

  /**
   * @param runDir where every stage writes
   * @param images synthetic images to render; null keeps the prepare config's count
   * @param fresh redo every stage even if its outputs are complete
   * @param parallel train the reranker and the evaluator in a second process when the machine has
   *     two cores or more
   * @param mainClass the {@code dalle} command's main class, which the second process runs
   */
  public Quickstart(
      Path runDir, Integer images, boolean fresh, boolean parallel, String mainClass) {
    this.run =
        new QuickstartRun(runDir, fresh, List.of("quickstart", "--run-dir", runDir.toString()));
    this.images = images;
    this.parallel = parallel;
    this.mainClass = mainClass;
  }

  /** Runs the chain; returns 0, or the exit code of the stage that did not finish. */
  public int run() throws Exception {
    StageClock clock = new StageClock();
    Files.createDirectories(run.dir());
    PrepareConfig prepare = run.prepareConfig(images);
    StageChain chain = new StageChain(clock, run.fresh(), run.dir().resolve(StageClock.FILE));
    int exit = chain.run(new QuickstartStages(run).prepare(prepare));
    if (exit != 0) {
      return exit;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    EvaluationStage evaluation =
        new EvaluationStage(
            run,
            QuickstartCaptions.heldOutPairs(prepare.source().heldOutPairs()),
            prepare.source().seed());
    try (SideProcess side = startSide(cores)) {
      CoreSharing sharing = new CoreSharing(side, cores);
      QuickstartStages stages = new QuickstartStages(run, sharing);
      exit = chain.run(stages.trainDvae(), stages.encode(), stages.trainTransformer());
      if (exit != 0) {
        return exit;
      }
      if (side != null) {
        exit = chain.run(stages.awaitSide(side));
      } else {
        sharing.all();
        exit =
            chain.run(
                stages.trainClip("5/8 train-clip"), stages.trainEvaluator("6/8 train-evaluator"));
      }
      if (exit != 0) {
        return exit;
      }
      exit =
          chain.run(
              stages.sample(QuickstartCaptions.of(prepare.source().heldOutPairs())),
              evaluation.stage());
      if (exit != 0) {
        return exit;
      }
    }
    printSummary(chain.timings(), evaluation.report());
    return 0;
  }

  /**
   * Starts the second process for the reranker and the evaluator when {@code parallel} holds, the
   * machine has two cores or more and either stage has work to do.
   *
   * @return the process; null when the chain runs in this process alone
   */
  private SideProcess startSide(int cores) throws IOException {
    boolean done =
        !run.fresh()
            && ClipExport.isComplete(QuickstartRun.export(run.clip()))
            && EvaluatorExport.isComplete(QuickstartRun.export(run.evaluator()));
    if (!parallel || cores < 2 || done) {
      return null;
    }
    // Loading the engine here first unpacks its native libraries on a fresh machine before the
    // second process looks for them; this process then trains with one thread.
    ImageTokenizer.setEngineThreads(1);
    SideProcess side = SideProcess.start(mainClass, run.dir(), run.fresh());
    LOG.info(
        "\n5/8 train-clip and 6/8 train-evaluator run in a second process from now on, one engine"
            + " thread each (log: {})",
        side.log());
    return side;
  }

  /** The stage-time table and where each stage's outputs are. */
  private void printSummary(StageClock.Timings timings, Path report) {
    System.out.println();
    System.out.print(StageClock.table(timings));
    System.out.printf(
        "%nquickstart: done in %s.%n"
            + "  data:        %s (summary.json, tokenizer.json, images/*.avro)%n"
            + "  dVAE:        %s (reconstructions.png, reconstruction_check.json and .png,"
            + " metrics.jsonl, export/)%n"
            + "  tokens:      %s (tokens/*.avro, summary.json)%n"
            + "  transformer: %s (metrics.jsonl, export/)%n"
            + "  clip:        %s (retrieval.json, metrics.jsonl, export/)%n"
            + "  evaluator:   %s (evaluation.json, export/)%n"
            + "  samples:     %s (grids/*.png ordered by the reranker's score, samples.avro)%n"
            + "  evaluation:  %s (report.html, metrics.json, fid_vs_blur.png, compositional.json)%n"
            + "  timings:     %s%n",
        StageClock.format(timings.totalSeconds()),
        run.data(),
        run.dvae(),
        run.tokens(),
        run.transformer(),
        run.clip(),
        run.evaluator(),
        run.samples(),
        report,
        run.dir().resolve(StageClock.FILE));
  }
}
