package org.dalle.jobs.quickstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.dalle.evaluation.indomain.EvaluatorExport;
import org.dalle.jobs.clip.ClipTrainer;
import org.dalle.jobs.dvae.DvaeTrainer;
import org.dalle.jobs.dvae.TrainDvaeConfig;
import org.dalle.jobs.indomain.EvaluatorTrainer;
import org.dalle.jobs.indomain.TrainEvaluatorConfig;
import org.dalle.jobs.sample.CaptionSampler;
import org.dalle.jobs.sample.RerankerLoader;
import org.dalle.jobs.sample.SampleCaption;
import org.dalle.jobs.sample.SampleConfig;
import org.dalle.jobs.train.ModelTrainer;
import org.dalle.jobs.train.ResumeMode;
import org.dalle.jobs.train.TrainingJob;
import org.dalle.jobs.train.TrainingResult;
import org.dalle.jobs.transformer.TrainTransformerConfig;
import org.dalle.jobs.transformer.TransformerTrainer;
import org.dalle.models.clip.ClipExport;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.models.transformer.PriorExport;
import org.dalle.pipelines.encode.EncodePipeline;
import org.dalle.pipelines.encode.EncodeSummary;
import org.dalle.pipelines.prepare.PrepareConfig;
import org.dalle.pipelines.prepare.PreparePipeline;
import org.dalle.pipelines.prepare.PrepareSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quickstart's stages, each the job a user would run by hand with the same config file ({@link
 * QuickstartRun}), skipped when its output folder is complete. Training stages resume from their
 * latest checkpoint, so an interrupted quickstart continues where it stopped.
 */
final class QuickstartStages {
  private static final Logger LOG = LoggerFactory.getLogger(QuickstartStages.class);

  private final QuickstartRun run;
  private final CoreSharing cores;

  /** The stages of the second process, which trains with the engine's threads as they are. */
  QuickstartStages(QuickstartRun run) {
    this(run, null);
  }

  /**
   * @param cores how the training stages share the cores with the second process; null leaves the
   *     engine's threads as they are
   */
  QuickstartStages(QuickstartRun run, CoreSharing cores) {
    this.run = run;
    this.cores = cores;
  }

  /** {@code dalle prepare} into {@code data/}. */
  Stage prepare(PrepareConfig prepare) {
    Path data = run.data();
    return Stage.of(
        "1/8 prepare",
        data,
        Stage.whenExists(data.resolve(PreparePipeline.MARKER)),
        () -> {
          PrepareSummary summary =
              PreparePipeline.run(prepare, PipelineOptionsFactory.create(), run.fresh());
          LOG.info(
              String.format(
                  "  %d images written, %d rejected, %d duplicates removed",
                  summary.written(),
                  summary.rejected(),
                  summary.exactDuplicates() + summary.nearDuplicates()));
          return 0;
        });
  }

  /** {@code dalle train-dvae --resume} into {@code dvae/} ({@code --fresh} deletes it first). */
  Stage trainDvae() {
    Path dvae = run.dvae();
    return Stage.of(
        "2/8 train-dvae",
        dvae,
        whenComplete(QuickstartRun.export(dvae), DvaeExport::isComplete),
        () -> {
          deleteIfFresh(dvae);
          TrainDvaeConfig config = run.dvaeConfig();
          cores.forNextStage();
          return train(
              new DvaeTrainer(config),
              cores.allCoresOnceDone(),
              result -> result.print(System.out, config));
        });
  }

  /** {@code dalle encode} of {@code data/} with the dVAE's export into {@code tokens/}. */
  Stage encode() {
    Path tokens = run.tokens();
    return Stage.of(
        "3/8 encode",
        tokens,
        Stage.whenExists(tokens.resolve(EncodePipeline.MARKER)),
        () -> {
          EncodeSummary encoded =
              EncodePipeline.run(run.encodeConfig(), PipelineOptionsFactory.create(), run.fresh());
          LOG.info(
              String.format(
                  "  %d images encoded to %dx%d image tokens, %d rejected",
                  encoded.written(), encoded.gridSize(), encoded.gridSize(), encoded.rejected()));
          return 0;
        });
  }

  /** {@code dalle train-transformer --resume} into {@code transformer/}. */
  Stage trainTransformer() {
    Path transformer = run.transformer();
    return Stage.of(
        "4/8 train-transformer",
        transformer,
        whenComplete(QuickstartRun.export(transformer), PriorExport::isComplete),
        () -> {
          deleteIfFresh(transformer);
          TrainTransformerConfig config = run.transformerConfig();
          cores.forNextStage();
          return train(
              new TransformerTrainer(config),
              cores.allCoresOnceDone(),
              result -> result.print(System.out));
        });
  }

  /** {@code dalle train-clip --resume} into {@code clip/}: the reranker. */
  Stage trainClip(String name) {
    return Stage.of(
        name,
        run.clip(),
        whenComplete(QuickstartRun.export(run.clip()), ClipExport::isComplete),
        () ->
            train(
                new ClipTrainer(run.clipConfig()), step -> {}, result -> result.print(System.out)));
  }

  /** {@code dalle train-evaluator --resume} into {@code evaluator/}: in-domain FID and IS. */
  Stage trainEvaluator(String name) {
    return Stage.of(
        name,
        run.evaluator(),
        whenComplete(QuickstartRun.export(run.evaluator()), EvaluatorExport::isComplete),
        () -> {
          TrainEvaluatorConfig config = run.evaluatorConfig();
          return train(
              new EvaluatorTrainer(config),
              step -> {},
              result -> result.print(System.out, config.training().out()));
        });
  }

  /**
   * Waits for the {@link SideProcess} that trains the reranker and the evaluator; a failure shows
   * the end of its log. Never skipped: the process itself skips what is complete.
   */
  Stage awaitSide(SideProcess side) {
    return Stage.of(
        "5-6/8 train-clip, train-evaluator (second process)",
        run.dir(),
        Optional::empty,
        () -> {
          int exit = side.await();
          if (exit != 0) {
            LOG.info(
                String.format(
                    "  the second process failed (exit %d); the end of %s:%n%s%n"
                        + "  fix what it says, then run the same command again: finished stages are"
                        + " skipped",
                    exit, side.log(), side.tail(20)));
            return exit;
          }
          cores.all();
          Path times = run.dir().resolve(SideProcess.TIMINGS);
          LOG.info(
              String.format(
                  "  finished (log: %s; its own stage times: %s)",
                  side.log(), Files.isRegularFile(times) ? times : "none"));
          return 0;
        });
  }

  /**
   * {@code dalle sample} into {@code samples/} with {@code configs/sample/quickstart.yaml}: 8
   * candidates for each of the {@link QuickstartCaptions}, ordered by the reranker's score.
   */
  Stage sample(List<QuickstartCaptions.Caption> captions) {
    Path samples = run.samples();
    return Stage.of(
        "7/8 sample, reranked",
        samples,
        () ->
            Files.exists(samples.resolve("samples.avro"))
                ? Optional.of(samples + " exists")
                : Optional.empty(),
        () -> {
          SampleConfig config =
              run.sampleConfig(
                  "quickstart captions",
                  captions.stream().map(c -> SampleCaption.ofText(c.text())).toList(),
                  samples,
                  Map.of());
          CaptionSampler.Result result;
          try (ImageTextScorer scorer = RerankerLoader.open(config.clip())) {
            result = CaptionSampler.run(config, scorer, true);
          }
          LOG.info(
              String.format(
                  "  %d images for %d captions, %.0f image tokens/s",
                  result.images(), captions.size(), result.imageTokensPerSecond()));
          for (int i = 0; i < captions.size(); i++) {
            QuickstartCaptions.Caption caption = captions.get(i);
            LOG.info(
                String.format(
                    "    grids/c%03d.png  %s%s",
                    i, caption.text(), caption.heldOut() ? "  (held out)" : ""));
          }
          return 0;
        });
  }

  /**
   * Trains with {@code --resume}, which continues an interrupted quickstart (with no checkpoint it
   * starts fresh), and prints the run's summary.
   *
   * @return 0 when the run finished, else the stop signal's code
   */
  private <P extends ModelTrainer.Pass, R extends TrainingResult> int train(
      ModelTrainer<P, R> trainer, LongConsumer onStep, Consumer<R> print) throws IOException {
    R result = TrainingJob.run(trainer, ResumeMode.RESUME, run.args(), onStep);
    print.accept(result);
    return result.finished() ? 0 : result.exitCode();
  }

  /** A check that finds a training stage complete when its export is: "EXPORT is complete". */
  private static Stage.Check whenComplete(Path export, Predicate<Path> check) {
    return () -> check.test(export) ? Optional.of(export + " is complete") : Optional.empty();
  }

  /** Deletes a training stage's folder for {@code --fresh}, so it does not resume. */
  private void deleteIfFresh(Path root) throws IOException {
    if (!run.fresh() || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
