package org.dalle.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.dalle.evaluation.evaluator.EvaluatorExport;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.dvae.TrainDvaeConfig;
import org.dalle.jobs.dvae.TrainDvaeResult;
import org.dalle.jobs.sample.CaptionSampler;
import org.dalle.jobs.sample.RerankerLoader;
import org.dalle.jobs.sample.SampleCaption;
import org.dalle.jobs.sample.SampleConfig;
import org.dalle.jobs.train.ResumeMode;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.jobs.transformer.TrainTransformerConfig;
import org.dalle.jobs.transformer.TrainTransformerResult;
import org.dalle.models.clip.ClipExport;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.models.transformer.PriorExport;
import org.dalle.models.transformer.SamplingOptions;
import org.dalle.pipelines.encode.EncodeConfig;
import org.dalle.pipelines.encode.EncodePipeline;
import org.dalle.pipelines.encode.EncodeSummary;
import org.dalle.pipelines.encode.ImageTokenizer;
import org.dalle.pipelines.prepare.PrepareConfig;
import org.dalle.pipelines.prepare.PreparePipeline;
import org.dalle.pipelines.prepare.PrepareSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dalle quickstart}: the whole chain on the embedded synthetic dataset with the tiny configs
 * under {@code configs/}, on the local CPU. Stages whose outputs are complete are skipped, so an
 * interrupted quickstart continues where it stopped.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    header = "The whole chain on the embedded synthetic data, CPU only.",
    description = {
      "Runs the chain on the embedded synthetic shapes dataset with tiny configs, CPU only: prepare (render, validate, dedup, learn BPE, tokenise), then train the tiny dVAE (3 to 6 minutes; its reconstructions.png shows what the codebook keeps, and its reconstruction check measures whether held-out-split scenes keep every object's colour and shape), then encode every image into dVAE tokens, train the tiny transformer prior on them (about 5 minutes), train the tiny contrastive reranker (2 to 4 minutes) and the in-domain evaluator network, sample 8 candidates for a few captions, including held-out (colour, shape) pairs, ordered by the reranker (samples/grids/*.png), and evaluate reranked and unreranked samples for captions of both splits: FID and IS against blur radius with the evaluator's features and the compositional benchmark, beside the dVAE's reconstruction check (evaluation/report/report.html). Stages whose outputs are complete are skipped; delete a stage's directory (or pass --fresh) to redo it. Each stage's wall time is printed as it ends and in a table at the end, and saved in timings.json in the run directory."
    })
public final class QuickstartCommand implements Callable<Integer> {
  static final String PREPARE_CONFIG = "configs/prepare/quickstart.yaml";
  static final String DVAE_CONFIG = "configs/dvae/tiny.yaml";
  static final String TRANSFORMER_CONFIG = "configs/transformer/tiny.yaml";

  /** Images sampled per caption at the end. */
  static final int SAMPLES_PER_CAPTION = 8;

  @Option(
      names = "--run-dir",
      paramLabel = "DIR",
      defaultValue = "runs/quickstart",
      description = "Where every stage writes (default: ${DEFAULT-VALUE}).")
  Path runDir;

  @Option(
      names = "--images",
      paramLabel = "N",
      description = "Synthetic images to render (default: as in " + PREPARE_CONFIG + ").")
  Integer images;

  @Option(names = "--fresh", description = "Redo every stage even if its outputs are complete.")
  boolean fresh;

  @Option(
      names = "--parallel",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Train the reranker and the evaluator (stages 5 and 6) in a second process, one engine"
              + " thread each, while this one trains the dVAE and the prior (its log: RUN_DIR/"
              + SideStages.LOG
              + "). On by default when the machine has 2 or more cores; --no-parallel runs every"
              + " stage in turn in this process with all cores.")
  boolean parallel;

  @Override
  public Integer call() throws Exception {
    StageClock clock = new StageClock(System.out);
    Files.createDirectories(runDir);
    Path data = runDir.resolve("data");
    PrepareConfig prepare =
        ConfigLoader.loadResource(
            PrepareConfig.class,
            PrepareConfig.defaults(),
            PREPARE_CONFIG,
            Map.of("out", data.toString()));
    if (images != null) {
      String synthetic =
          prepare.inputs().get(0).replaceFirst("^synthetic:\\d+", "synthetic:" + images);
      prepare =
          ConfigLoader.loadResource(
              PrepareConfig.class,
              PrepareConfig.defaults(),
              PREPARE_CONFIG,
              Map.of("out", data.toString(), "inputs", List.of(synthetic)));
    }
    clock.begin("1/8 prepare", data);
    if (!fresh && Files.exists(data.resolve(PreparePipeline.MARKER))) {
      clock.skip(data.resolve(PreparePipeline.MARKER) + " exists");
    } else {
      PipelineOptions options = PipelineOptionsFactory.create();
      PrepareSummary summary = PreparePipeline.run(prepare, options, fresh, System.out);
      System.out.printf(
          "  %d images written, %d rejected, %d duplicates removed%n",
          summary.written(),
          summary.rejected(),
          summary.exactDuplicates() + summary.nearDuplicates());
    }
    endStage(clock);
    int cores = Runtime.getRuntime().availableProcessors();
    try (SideStages side = startSideStages(cores)) {
      return afterPrepare(clock, prepare, data, side, cores);
    }
  }

  /**
   * Starts the second process for stages 5 and 6 when {@code --parallel} holds, the machine has two
   * cores or more and either stage has work to do; returns null otherwise.
   */
  private SideStages startSideStages(int cores) throws IOException {
    boolean done =
        !fresh
            && ClipExport.isComplete(runDir.resolve("clip").resolve(TrainingLoop.EXPORT_DIR))
            && EvaluatorExport.isComplete(
                runDir.resolve("evaluator").resolve(TrainingLoop.EXPORT_DIR));
    if (!parallel || cores < 2 || done) {
      return null;
    }
    // Loading the engine here first unpacks its native libraries on a fresh machine before the
    // second process looks for them; this process then trains with one thread.
    ImageTokenizer.setEngineThreads(1);
    SideStages side = SideStages.start(runDir, fresh);
    System.out.printf(
        "%n5/8 train-clip and 6/8 train-evaluator run in a second process from now on, one engine"
            + " thread each (log: %s)%n",
        side.log());
    return side;
  }

  /** Engine threads for the next stage: one while the second process trains, else every core. */
  private static void useThreads(SideStages side, int cores) {
    ImageTokenizer.setEngineThreads(side != null && side.isAlive() ? 1 : cores);
  }

  /**
   * A training loop's per-update hook that gives this process every core once the second process
   * has finished. It runs on the training thread, where the engine's thread count applies.
   */
  private static LongConsumer allCoresOnceDone(SideStages side, int cores) {
    if (side == null) {
      return step -> {};
    }
    boolean[] switched = {!side.isAlive()};
    return step -> {
      if (!switched[0] && step % 10 == 0 && !side.isAlive()) {
        ImageTokenizer.setEngineThreads(cores);
        switched[0] = true;
        System.out.printf(
            "%n  the second process has finished: %d engine threads from here%n", cores);
      }
    };
  }

  private Integer afterPrepare(
      StageClock clock, PrepareConfig prepare, Path data, SideStages side, int cores)
      throws Exception {
    Path dvae = runDir.resolve("dvae");
    clock.begin("2/8 train-dvae", dvae);
    Path export = dvae.resolve(TrainingLoop.EXPORT_DIR);
    if (!fresh && DvaeExport.isComplete(export)) {
      clock.skip(export + " is complete");
    } else {
      if (fresh) {
        deleteTree(dvae);
      }
      TrainDvaeConfig config =
          ConfigLoader.loadResource(
              TrainDvaeConfig.class,
              TrainDvaeConfig.defaults(),
              DVAE_CONFIG,
              Map.of("data", data.toString(), "out", dvae.toString()));
      useThreads(side, cores);
      // Resuming continues an interrupted quickstart; with no checkpoint it starts fresh.
      TrainDvaeResult result =
          TrainDvaeCommand.train(
              config,
              ResumeMode.RESUME,
              List.of("quickstart", "--run-dir", runDir.toString()),
              allCoresOnceDone(side, cores));
      if (!result.finished()) {
        return result.exitCode();
      }
    }
    endStage(clock);
    Path tokens = runDir.resolve("tokens");
    clock.begin("3/8 encode", tokens);
    if (!fresh && Files.exists(tokens.resolve(EncodePipeline.MARKER))) {
      clock.skip(tokens.resolve(EncodePipeline.MARKER) + " exists");
    } else {
      EncodeSummary encoded =
          EncodePipeline.run(
              EncodeConfig.of(data.toString(), export.toString(), tokens.toString()),
              PipelineOptionsFactory.create(),
              fresh,
              System.out);
      System.out.printf(
          "  %d images encoded to %dx%d image tokens, %d rejected%n",
          encoded.written(), encoded.gridSize(), encoded.gridSize(), encoded.rejected());
    }
    endStage(clock);
    Path transformer = runDir.resolve("transformer");
    clock.begin("4/8 train-transformer", transformer);
    Path transformerExport = transformer.resolve(TrainingLoop.EXPORT_DIR);
    if (!fresh && PriorExport.isComplete(transformerExport)) {
      clock.skip(transformerExport + " is complete");
    } else {
      if (fresh) {
        deleteTree(transformer);
      }
      TrainTransformerConfig config =
          ConfigLoader.loadResource(
              TrainTransformerConfig.class,
              TrainTransformerConfig.defaults(),
              TRANSFORMER_CONFIG,
              Map.of(
                  "data", tokens.toString(),
                  "tokenizer", data.resolve("tokenizer.json").toString(),
                  "out", transformer.toString()));
      useThreads(side, cores);
      TrainTransformerResult result =
          TrainTransformerCommand.train(
              config,
              ResumeMode.RESUME,
              List.of("quickstart", "--run-dir", runDir.toString()),
              allCoresOnceDone(side, cores));
      if (!result.finished()) {
        return result.exitCode();
      }
    }
    endStage(clock);
    List<String> args = List.of("quickstart", "--run-dir", runDir.toString());
    Path clip = runDir.resolve("clip");
    Path evaluator = runDir.resolve("evaluator");
    Path clipExport = clip.resolve(TrainingLoop.EXPORT_DIR);
    Path evaluatorExport = evaluator.resolve(TrainingLoop.EXPORT_DIR);
    if (side != null) {
      clock.begin("5-6/8 train-clip, train-evaluator (second process)", runDir);
      int exit = side.await();
      if (exit != 0) {
        System.out.printf(
            "  the second process failed (exit %d); the end of %s:%n%s%n"
                + "  fix what it says, then run the same command again: finished stages are"
                + " skipped%n",
            exit, side.log(), side.tail(20));
        return exit;
      }
      useThreads(null, cores);
      Path times = runDir.resolve(SideStages.TIMINGS);
      System.out.printf(
          "  finished (log: %s; its own stage times: %s)%n",
          side.log(), Files.isRegularFile(times) ? times : "none");
      endStage(clock);
    } else {
      useThreads(null, cores);
      clock.begin("5/8 train-clip", clip);
      int exit = QuickstartEvaluation.trainClip(data, clip, fresh, args, clock);
      if (exit != 0) {
        return exit;
      }
      endStage(clock);
      clock.begin("6/8 train-evaluator", evaluator);
      exit = QuickstartEvaluation.trainEvaluator(data, evaluator, fresh, args, clock);
      if (exit != 0) {
        return exit;
      }
      endStage(clock);
    }
    Path samples = runDir.resolve("samples");
    clock.begin("7/8 sample, reranked", samples);
    List<QuickstartCaptions.Caption> captions =
        QuickstartCaptions.of(prepare.source().heldOutPairs());
    if (!fresh && Files.exists(samples.resolve("samples.avro"))) {
      clock.skip(samples + " exists");
    } else {
      SampleConfig config =
          new SampleConfig(
              transformerExport.toString(),
              export.toString(),
              clipExport.toString(),
              "quickstart captions",
              captions.stream().map(c -> SampleCaption.ofText(c.text())).toList(),
              samples.toString(),
              SAMPLES_PER_CAPTION,
              SAMPLES_PER_CAPTION,
              16,
              SamplingOptions.paper(),
              0,
              null,
              0);
      CaptionSampler.Result result;
      try (ImageTextScorer scorer = RerankerLoader.open(clipExport.toString())) {
        result = CaptionSampler.run(config, scorer, true, System.out);
      }
      System.out.printf(
          "  %d images for %d captions, %.0f image tokens/s%n",
          result.images(), captions.size(), result.imageTokensPerSecond());
      for (int i = 0; i < captions.size(); i++) {
        QuickstartCaptions.Caption caption = captions.get(i);
        System.out.printf(
            "    grids/c%03d.png  %s%s%n",
            i, caption.text(), caption.heldOut() ? "  (held out)" : "");
      }
    }
    endStage(clock);
    Path evaluation = runDir.resolve("evaluation");
    clock.begin("8/8 evaluate", evaluation);
    Path report =
        QuickstartEvaluation.evaluate(
            data,
            transformerExport,
            dvae,
            export,
            clipExport,
            evaluatorExport,
            evaluation,
            QuickstartCaptions.heldOutPairs(prepare.source().heldOutPairs()),
            prepare.source().seed(),
            fresh,
            clock);
    StageClock.Timings timings = endStage(clock);
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
        data,
        dvae,
        tokens,
        transformer,
        clip,
        evaluator,
        samples,
        report,
        runDir.resolve(StageClock.FILE));
    return 0;
  }

  /** Deletes a stage's directory for --fresh. */
  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /**
   * Ends the clock's stage and saves every time so far, so an interrupted run keeps them; returns
   * what was saved.
   */
  private StageClock.Timings endStage(StageClock clock) throws IOException {
    clock.end();
    return clock.write(runDir.resolve(StageClock.FILE));
  }
}
