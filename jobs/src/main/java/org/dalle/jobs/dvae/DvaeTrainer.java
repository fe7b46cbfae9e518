package org.dalle.jobs.dvae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.train.Checkpoint;
import org.dalle.jobs.train.CheckpointStore;
import org.dalle.jobs.train.CheckpointWriter;
import org.dalle.jobs.train.DataPosition;
import org.dalle.jobs.train.MetricsLog;
import org.dalle.jobs.train.ProgressBar;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.jobs.train.Schedule;
import org.dalle.jobs.train.Seeds;
import org.dalle.jobs.train.StopSignal;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.models.dvae.DvaeLoss;
import org.dalle.models.dvae.PixelLikelihood;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Ema;
import org.dalle.models.optim.Gradients;
import org.dalle.models.optim.ParameterArrays;

/**
 * The training loop of the dVAE (section 2.1 and appendix A.2 of the paper): AdamW with a cosine
 * learning rate, Gumbel-softmax temperature annealed 1 → 1/16, KL weight raised 0 → 6.6, an EMA of
 * the weights, checkpoints that resume exactly, {@code metrics.jsonl}, a progress bar and {@code
 * reconstructions.png}. At the last step the EMA weights are exported for the encode stage.
 *
 * <p>Exact resumption: every random number is a function of the seed and the position (see {@link
 * Seeds}); a checkpoint holds the weights, the optimizer moments, the EMA, the step and the data
 * position, so a resumed run takes bit-identical updates. Every update runs in its own {@link
 * NDManager}, closed at the end of the update, so native memory stays flat.
 *
 * <p>The first {@code reconstruction_images} images of the data are held out of training and shown
 * in the figure; the rest are loaded into memory (see {@link TrainingImages}).
 *
 * <p>After the export, the {@link ReconstructionCheck} runs on {@code reconstruction_check_images}
 * scenes of the synthetic source's held-out split ({@link HeldOutScenes}) with the EMA weights, and
 * writes {@code reconstruction_check.json}, {@code reconstruction_check.png} and a {@code check_*}
 * line in {@code metrics.jsonl}. Where the data is not synthetic, the run says so before training.
 */
public final class DvaeTrainer {

  /** The figure written at each checkpoint. */
  public static final String FIGURE = "reconstructions.png";

  /** Where the EMA model is exported for the encode stage ({@link DvaeExport}). */
  public static final String EXPORT_DIR = "export";

  /**
   * What a run ended with.
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
  public record Result(
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
      String reconstructionCheckSkipped) {}

  /** The figures of one update. */
  private record StepMetrics(
      double loss,
      double reconstruction,
      double kl,
      double tau,
      double beta,
      double learningRate,
      CodebookStats codebook,
      double mse) {

    Map<String, Number> asMap() {
      Map<String, Number> values = new LinkedHashMap<>();
      values.put("loss", loss);
      values.put("reconstruction", reconstruction);
      values.put("kl", kl);
      values.put("tau", tau);
      values.put("beta", beta);
      values.put("lr", learningRate);
      values.put("codebook_usage", codebook.usage());
      values.put("perplexity", codebook.perplexity());
      values.put("mse", mse);
      return values;
    }
  }

  private final TrainDvaeConfig config;
  private final List<String> commandLine;
  private final StopSignal stop;
  private final PrintStream log;
  private LongConsumer afterStep = step -> {};

  /**
   * @param config the resolved, validated config
   * @param commandLine the arguments, recorded in {@code run.json}
   * @param stop polled after every update
   * @param log where the progress bar and messages go
   */
  public DvaeTrainer(
      TrainDvaeConfig config, List<String> commandLine, StopSignal stop, PrintStream log) {
    this.config = config.validate();
    this.commandLine = List.copyOf(commandLine);
    this.stop = stop;
    this.log = log;
  }

  /** Called with the step count after each update (tests use it to interrupt a run). */
  DvaeTrainer onStep(LongConsumer afterStep) {
    this.afterStep = afterStep;
    return this;
  }

  /**
   * Trains until {@code steps} updates are done or a stop is requested.
   *
   * @param resume continue from the latest checkpoint in {@code out} (a fresh start when there is
   *     none); without it, existing checkpoints are an error
   */
  public Result run(boolean resume) throws IOException {
    int size = config.model().imageSize();
    TrainingImages all = TrainingImages.load(Path.of(config.data()), size);
    int heldOut = config.reconstructionImages();
    if (all.count() < heldOut + config.batchSize()) {
      throw new IllegalArgumentException(
          String.format(
              "%s holds %d images; expected at least reconstruction_images (%d) + batch_size (%d)",
              config.data(), all.count(), heldOut, config.batchSize()));
    }
    TrainingImages figureImages = all.range(0, heldOut);
    TrainingImages train = all.range(heldOut, all.count());
    // Read before training, so a bad run.json fails now and not after the last update.
    HeldOutScenes.Lookup checkScenes =
        config.reconstructionCheckImages() == 0
            ? HeldOutScenes.Lookup.none("reconstruction_check_images is 0")
            : HeldOutScenes.fromPreparedData(Path.of(config.data()));
    if (checkScenes.scenes().isEmpty()) {
      log.println("train-dvae: no reconstruction check at the end: " + checkScenes.reason());
    }

    String yaml = ConfigLoader.toYaml(config);
    RunDirectory run =
        RunDirectory.open(Path.of(config.out()), yaml, Map.of("seed", config.seed()), commandLine);
    CheckpointStore store = new CheckpointStore(run.checkpoints(), config.keepCheckpoints());
    Optional<Checkpoint> latest = store.latestToResume(resume, run.dir());

    Engine engine = Engine.getInstance();
    try (NDManager base = engine.newBaseManager();
        AdamW optimizer =
            AdamW.builder()
                .optBetas(config.adamBeta1(), config.adamBeta2())
                .optEpsilon(config.adamEpsilon())
                .optWeightDecay(config.weightDecay())
                .build();
        Ema ema = new Ema(config.emaDecay())) {
      DiscreteVae model = new DiscreteVae(config.model());
      Seeds.seedEngineForStep(config.seed(), 0);
      model.initializeParameters(base);
      ParameterList params = model.getParameters();
      long step = 0;
      DataPosition position = DataPosition.start();
      if (latest.isPresent()) {
        Checkpoint checkpoint = latest.get();
        restore(checkpoint, params, optimizer, ema, base);
        step = checkpoint.step();
        position = checkpoint.data();
        log.printf("train-dvae: resuming from %s (step %d)%n", checkpoint.dir(), step);
      } else if (resume) {
        log.println("train-dvae: no checkpoint in " + store.root() + "; starting fresh");
      }

      Loop loop =
          new Loop(
              model, params, optimizer, ema, base, train, figureImages, all.size(), run, store);
      return loop.train(step, position, checkScenes);
    }
  }

  private void restore(
      Checkpoint checkpoint, ParameterList params, AdamW optimizer, Ema ema, NDManager base)
      throws IOException {
    checkpoint.requireSeed(config.seed());
    try (NDManager scope = base.newSubManager()) {
      ParameterArrays.restore(params, checkpoint.readArrays(Checkpoint.MODEL, scope));
    }
    try (InputStream in = checkpoint.open(Checkpoint.OPTIMIZER)) {
      optimizer.load(in);
    }
    if (checkpoint.has(Checkpoint.EMA)) {
      try (InputStream in = checkpoint.open(Checkpoint.EMA)) {
        ema.load(in);
      }
    }
  }

  /** The state of one invocation's loop. */
  private final class Loop {
    private final DiscreteVae model;
    private final ParameterList params;
    private final AdamW optimizer;
    private final Ema ema;
    private final NDManager base;
    private final TrainingImages train;
    private final TrainingImages figureImages;
    private final int preparedSize;
    private final RunDirectory run;
    private final CheckpointStore store;
    private final Schedule learningRate;
    private final Schedule tau;
    private final Schedule beta;
    private final PixelLikelihood likelihood;

    Loop(
        DiscreteVae model,
        ParameterList params,
        AdamW optimizer,
        Ema ema,
        NDManager base,
        TrainingImages train,
        TrainingImages figureImages,
        int preparedSize,
        RunDirectory run,
        CheckpointStore store) {
      this.model = model;
      this.params = params;
      this.optimizer = optimizer;
      this.ema = ema;
      this.base = base;
      this.train = train;
      this.figureImages = figureImages;
      this.preparedSize = preparedSize;
      this.run = run;
      this.store = store;
      learningRate =
          Schedule.cosine(config.learningRate(), config.finalLearningRate(), config.steps());
      tau = Schedule.cosine(config.tauStart(), config.tauEnd(), config.tauSteps());
      beta = Schedule.cosine(0, config.klWeight(), config.klWeightSteps());
      likelihood = config.pixelLikelihood();
    }

    Result train(long startStep, DataPosition position, HeldOutScenes.Lookup checkScenes)
        throws IOException {
      BatchSampler sampler =
          new BatchSampler(
              config.seed(),
              train.count(),
              config.batchSize(),
              config.flip(),
              train.cropPositions(),
              config.randomCrop(),
              position);
      ProgressBar progress = ProgressBar.forLog(config.steps(), log);
      long step = startStep;
      long checkpointed = startStep;
      StepMetrics last = null;
      try (MetricsLog metrics = MetricsLog.open(run.metrics(), startStep)) {
        while (step < config.steps() && !stop.isRequested()) {
          last = update(step, sampler);
          step++;
          metrics.log(step, last.asMap());
          progress.update(step, shown(last));
          afterStep.accept(step);
          if (step % config.checkpointEvery() == 0 && step < config.steps()) {
            checkpoint(step, sampler.position());
            checkpointed = step;
          }
        }
        progress.finish(step, last == null ? Map.of() : shown(last));
      }
      // The last state is always in a checkpoint: at the end, after a stop, or already written.
      boolean saved = step == checkpointed && store.latest().isPresent();
      double heldOutMse = saved ? writeFigure() : checkpoint(step, sampler.position());
      boolean finished = step >= config.steps();
      Path export = run.file(EXPORT_DIR);
      Optional<ReconstructionCheckResult> check = Optional.empty();
      String skipped = finished ? checkScenes.reason() : "the run stopped before its last step";
      if (finished) {
        try (Ema.Swap swap = ema.isStarted() ? ema.swapInto(params) : null) {
          DvaeExport.write(model, export);
          if (checkScenes.scenes().isPresent()) {
            check = Optional.of(reconstructionCheck(step, checkScenes.scenes().get()));
          }
        }
      }
      return new Result(
          step,
          finished,
          stop.exitCode(),
          last == null ? Double.NaN : last.mse(),
          last == null ? 0 : last.codebook().usage(),
          last == null ? Double.NaN : last.codebook().perplexity(),
          heldOutMse,
          run.file(FIGURE),
          export,
          check,
          skipped);
    }

    /**
     * Runs the reconstruction check with the model's current (EMA) weights and writes its file,
     * figure and metrics line.
     */
    private ReconstructionCheckResult reconstructionCheck(long step, HeldOutScenes scenes)
        throws IOException {
      int count = config.reconstructionCheckImages();
      log.printf(
          "train-dvae: reconstruction check on %d held-out-split scenes (EMA weights)%n", count);
      HeldOutScenes.Rendered images =
          scenes.render(count, preparedSize, config.model().imageSize());
      ReconstructionCheck.Outcome outcome =
          new ReconstructionCheck(
                  ReconstructionCheck.Reconstructor.of(model, base),
                  config.batchSize(),
                  config.model().vocabSize())
              .run(images.images(), images.scenes());
      ReconstructionCheckResult result = outcome.result();
      result.write(run.file(ReconstructionCheckResult.FILE), step, scenes);
      ReconstructionCheckFigure.write(run.file(ReconstructionCheckResult.FIGURE), outcome.shown());
      try (MetricsLog metrics = MetricsLog.open(run.metrics(), step)) {
        metrics.log(step, result.metrics());
      }
      return result;
    }

    /** The figures on the progress line, in this order. */
    private static Map<String, Number> shown(StepMetrics metrics) {
      Map<String, Number> fields = new LinkedHashMap<>();
      fields.put("loss", metrics.loss());
      fields.put("mse", metrics.mse());
      fields.put("codes", metrics.codebook().usage());
      return fields;
    }

    /** One update from {@code step} earlier ones, all intermediates in a per-step manager. */
    private StepMetrics update(long step, BatchSampler sampler) {
      try (NDManager scope = base.newSubManager()) {
        Seeds.seedEngineForStep(config.seed(), step);
        BatchSampler.Batch batch = sampler.next();
        int size = config.model().imageSize();
        int floats = train.imageFloats();
        float[] pixels = new float[batch.indices().length * floats];
        for (int i = 0; i < batch.indices().length; i++) {
          train.copyTo(
              batch.indices()[i],
              batch.flips()[i],
              batch.lefts()[i],
              batch.tops()[i],
              pixels,
              i * floats);
        }
        NDArray images = scope.create(pixels, new Shape(batch.indices().length, 3, size, size));
        double lr = learningRate.valueAt(step);
        float t = (float) tau.valueAt(step);
        float b = (float) beta.valueAt(step);
        DvaeLoss loss;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          loss = model.loss(images, t, b, likelihood);
          collector.backward(loss.total());
        }
        // Codebook figures and MSE describe the weights that produced this loss, so they are
        // measured before the update: the argmax codes decoded by the current decoder.
        NDArray codes = loss.logits().argMax(1).toType(DataType.INT32, false); // (B, G, G)
        CodebookStats codebook = CodebookStats.of(codes.toIntArray(), config.model().vocabSize());
        double mse = model.decode(codes).sub(images).square().mean().getFloat();
        double total = loss.total().getFloat();
        double reconstruction = loss.reconstruction().getFloat();
        double kl = loss.klPerPosition().getFloat();
        if (!Double.isFinite(total)) {
          throw new IllegalStateException(
              "loss is "
                  + total
                  + " at step "
                  + (step + 1)
                  + "; lower learning_rate or check data");
        }
        optimizer.update(params, lr);
        Gradients.zeroGradients(params);
        ema.update(params);
        return new StepMetrics(total, reconstruction, kl, t, b, lr, codebook, mse);
      }
    }

    /** Writes a checkpoint of {@code step} and the figure; returns the figure's held-out MSE. */
    private double checkpoint(long step, DataPosition position) throws IOException {
      try (NDManager scope = base.newSubManager();
          CheckpointWriter writer = store.begin(step)) {
        writer.putArrays(Checkpoint.MODEL, ParameterArrays.export(params, scope));
        writer.put(Checkpoint.OPTIMIZER, optimizer::save);
        if (ema.isStarted()) {
          writer.put(Checkpoint.EMA, ema::save);
        }
        writer.commit(position, config.seed(), ConfigLoader.toYaml(config));
      }
      return writeFigure();
    }

    /** Originals and EMA reconstructions of the held-out images; returns their MSE. */
    private double writeFigure() throws IOException {
      int count = figureImages.count();
      int size = figureImages.crop();
      float[] originals = figureImages.centreCrops();
      float[] reconstructions;
      try (NDManager scope = base.newSubManager();
          Ema.Swap swap = ema.isStarted() ? ema.swapInto(params) : null) {
        NDArray images = scope.create(originals, new Shape(count, 3, size, size));
        reconstructions = model.reconstruct(images).toFloatArray();
      }
      ReconstructionFigure.write(run.file(FIGURE), originals, reconstructions, count, size);
      double sum = 0;
      for (int i = 0; i < originals.length; i++) {
        double difference = reconstructions[i] - originals[i];
        sum += difference * difference;
      }
      return sum / originals.length;
    }
  }
}
