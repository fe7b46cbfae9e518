package org.dalle.jobs.transformer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.dvae.BatchSampler;
import org.dalle.jobs.train.Checkpoint;
import org.dalle.jobs.train.CheckpointStore;
import org.dalle.jobs.train.CheckpointWriter;
import org.dalle.jobs.train.DataPosition;
import org.dalle.jobs.train.MetricsLog;
import org.dalle.jobs.train.PlateauHalving;
import org.dalle.jobs.train.ProgressBar;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.jobs.train.Schedule;
import org.dalle.jobs.train.Seeds;
import org.dalle.jobs.train.StopSignal;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Ema;
import org.dalle.models.optim.ParameterArrays;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.transformer.PriorExport;
import org.dalle.models.transformer.TransformerPrior;

/**
 * The training loop of the transformer prior (section 2.2, 2.4 and appendix B.1 of the paper):
 * AdamW (0.9, 0.96, 1e-8, weight decay on weight matrices only), linear warm-up then halving on
 * plateau, global gradient-norm clipping, an EMA of the weights, optional BPE dropout, float32 or
 * float16 with per-resblock gradient scaling ({@link PriorUpdate}), checkpoints that resume
 * exactly, {@code metrics.jsonl} and a progress bar. At the last step the EMA weights are exported
 * with the tokenizer for {@code dalle sample} ({@link PriorExport}).
 *
 * <p>Exact resumption: every random number is a function of the seed and the position ({@link
 * Seeds}); a checkpoint holds the weights, the optimizer moments, the EMA, the step, the data
 * position and {@link TrainerState}, so a resumed run takes bit-identical updates.
 */
public final class TransformerTrainer {

  /** Where the EMA model is exported for sampling. */
  public static final String EXPORT_DIR = "export";

  /** The tokenizer copy in every checkpoint. */
  static final String TOKENIZER = "tokenizer.json";

  /**
   * What a run ended with.
   *
   * @param step updates done
   * @param finished whether all configured steps are done (false after a stop request)
   * @param exitCode 0, or the stop signal's code
   * @param loss, textLoss, imageLoss the last update's losses (NaN when this invocation took none)
   * @param skippedUpdates updates skipped for non-finite gradients in the whole run
   * @param tokensPerSecond sequence tokens (text + image) per second over this invocation
   * @param export the export directory, written when {@code finished}
   */
  public record Result(
      long step,
      boolean finished,
      int exitCode,
      double loss,
      double textLoss,
      double imageLoss,
      long skippedUpdates,
      double tokensPerSecond,
      Path export) {}

  private final TrainTransformerConfig requested;
  private final List<String> commandLine;
  private final StopSignal stop;
  private final PrintStream log;
  private LongConsumer afterStep = step -> {};

  /**
   * @param config the resolved config; a model text vocabulary of 0 is taken from the tokenizer
   * @param commandLine the arguments, recorded in {@code run.json}
   * @param stop polled after every update
   * @param log where the progress bar and messages go
   */
  public TransformerTrainer(
      TrainTransformerConfig config, List<String> commandLine, StopSignal stop, PrintStream log) {
    this.requested = config.validate();
    this.commandLine = List.copyOf(commandLine);
    this.stop = stop;
    this.log = log;
  }

  /** Called with the step count after each update (tests use it to interrupt a run). */
  TransformerTrainer onStep(LongConsumer afterStep) {
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
    Path tokenizerFile = Path.of(requested.tokenizer());
    if (!Files.isRegularFile(tokenizerFile)) {
      throw new IllegalArgumentException(
          tokenizerFile + " does not exist; expected the tokenizer.json of `dalle prepare`");
    }
    String tokenizerJson = Files.readString(tokenizerFile, StandardCharsets.UTF_8);
    BpeTokenizer tokenizer = BpeTokenizer.fromTokenizerJson(tokenizerJson);
    TrainTransformerConfig config = requested.withTokenizerVocabulary(tokenizer.vocabSize());
    TokenizedDataset data = TokenizedDataset.load(Path.of(config.data()), config.model());
    if (data.count() < config.batchSize()) {
      throw new IllegalArgumentException(
          String.format(
              "%s holds %d examples; expected at least batch_size (%d)",
              config.data(), data.count(), config.batchSize()));
    }

    String yaml = ConfigLoader.toYaml(config);
    RunDirectory run =
        RunDirectory.open(Path.of(config.out()), yaml, Map.of("seed", config.seed()), commandLine);
    CheckpointStore store = new CheckpointStore(run.checkpoints(), config.keepCheckpoints());
    Optional<Checkpoint> latest = store.latestToResume(resume, run.dir());

    try (NDManager base = Engine.getInstance().newBaseManager();
        AdamW optimizer =
            AdamW.builder()
                .optBetas(config.adamBeta1(), config.adamBeta2())
                .optEpsilon(config.adamEpsilon())
                .optWeightDecay(config.weightDecay())
                .optDecayFilter(AdamW.weightsOnly())
                .build();
        Ema ema = new Ema(config.emaDecay())) {
      TransformerPrior model = new TransformerPrior(config.model());
      Seeds.seedEngineForStep(config.seed(), 0);
      model.initializeParameters(base);
      PriorUpdate update = new PriorUpdate(model, config);
      PlateauHalving plateau = new PlateauHalving(config.plateauPatience(), config.maxHalvings());
      long step = 0;
      DataPosition position = DataPosition.start();
      TrainerState state = new TrainerState(plateau.state(), 0, 0, 0, update.exportScaler());
      if (latest.isPresent()) {
        Checkpoint checkpoint = latest.get();
        state = restore(config, checkpoint, model.getParameters(), optimizer, ema, base);
        plateau.restore(state.plateau());
        update.importScaler(state.gradientScaler());
        step = checkpoint.step();
        position = checkpoint.data();
        log.printf("train-transformer: resuming from %s (step %d)%n", checkpoint.dir(), step);
      } else if (resume) {
        log.println("train-transformer: no checkpoint in " + store.root() + "; starting fresh");
      }
      BatchBuilder batches =
          new BatchBuilder(
              data,
              tokenizer,
              config.bpeDropout(),
              config.model().textLength(),
              config.model().imageLength(),
              config.seed());
      Loop loop =
          new Loop(
              config,
              model,
              update,
              optimizer,
              ema,
              plateau,
              base,
              batches,
              run,
              store,
              tokenizerJson);
      return loop.train(step, position, data.count(), state);
    }
  }

  private static TrainerState restore(
      TrainTransformerConfig config,
      Checkpoint checkpoint,
      ParameterList params,
      AdamW optimizer,
      Ema ema,
      NDManager base)
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
    return checkpoint.readJson(TrainerState.FILE, TrainerState.class);
  }

  /** The state of one invocation's loop. */
  private final class Loop {
    private final TrainTransformerConfig config;
    private final TransformerPrior model;
    private final PriorUpdate update;
    private final AdamW optimizer;
    private final Ema ema;
    private final PlateauHalving plateau;
    private final NDManager base;
    private final BatchBuilder batches;
    private final RunDirectory run;
    private final CheckpointStore store;
    private final String tokenizerJson;
    private final Schedule warmup;
    private final long tokensPerUpdate;
    private double windowLossSum;
    private long windowUpdates;
    private long skipped;

    Loop(
        TrainTransformerConfig config,
        TransformerPrior model,
        PriorUpdate update,
        AdamW optimizer,
        Ema ema,
        PlateauHalving plateau,
        NDManager base,
        BatchBuilder batches,
        RunDirectory run,
        CheckpointStore store,
        String tokenizerJson) {
      this.config = config;
      this.model = model;
      this.update = update;
      this.optimizer = optimizer;
      this.ema = ema;
      this.plateau = plateau;
      this.base = base;
      this.batches = batches;
      this.run = run;
      this.store = store;
      this.tokenizerJson = tokenizerJson;
      warmup = Schedule.linearWarmup(config.learningRate(), config.warmupSteps());
      tokensPerUpdate = (long) config.batchSize() * config.model().sequenceLength();
    }

    Result train(long startStep, DataPosition position, int examples, TrainerState state)
        throws IOException {
      windowLossSum = state.windowLossSum();
      windowUpdates = state.windowUpdates();
      skipped = state.skippedUpdates();
      BatchSampler sampler =
          new BatchSampler(config.seed(), examples, config.batchSize(), false, position);
      ProgressBar progress = ProgressBar.forLog(config.steps(), log);
      long step = startStep;
      long checkpointed = startStep;
      PriorUpdate.Outcome last = null;
      long started = System.nanoTime();
      try (MetricsLog metrics = MetricsLog.open(run.metrics(), startStep)) {
        while (step < config.steps() && !stop.isRequested()) {
          long t0 = System.nanoTime();
          last = step(step, sampler);
          step++;
          double seconds = (System.nanoTime() - t0) / 1e9;
          metrics.log(step, fields(last, tokensPerUpdate / seconds));
          progress.update(step, shown(last));
          afterStep.accept(step);
          if (step % config.checkpointEvery() == 0 && step < config.steps()) {
            checkpoint(step, sampler.position());
            checkpointed = step;
          }
        }
        progress.finish(step, last == null ? Map.of() : shown(last));
      }
      double elapsed = (System.nanoTime() - started) / 1e9;
      double tokensPerSecond = (step - startStep) * tokensPerUpdate / elapsed;
      // The last state is always in a checkpoint: at the end, after a stop, or already written.
      if (!(step == checkpointed && store.latest().isPresent())) {
        checkpoint(step, sampler.position());
      }
      boolean finished = step >= config.steps();
      Path export = run.file(EXPORT_DIR);
      if (finished) {
        try (Ema.Swap swap = ema.isStarted() ? ema.swapInto(model.getParameters()) : null) {
          PriorExport.write(model, tokenizerJson, export);
        }
      }
      return new Result(
          step,
          finished,
          stop.exitCode(),
          last == null ? Double.NaN : last.loss(),
          last == null ? Double.NaN : last.textLoss(),
          last == null ? Double.NaN : last.imageLoss(),
          skipped,
          tokensPerSecond,
          export);
    }

    /** One update from {@code step} earlier ones, all intermediates in a per-step manager. */
    private PriorUpdate.Outcome step(long step, BatchSampler sampler) {
      try (NDManager scope = base.newSubManager()) {
        Seeds.seedEngineForStep(config.seed(), step);
        BatchSampler.Batch batch = sampler.next();
        BatchBuilder.Tokens tokens = batches.build(batch.indices(), step);
        int b = tokens.batch();
        NDArray text = scope.create(tokens.text(), new Shape(b, config.model().textLength()));
        NDArray image = scope.create(tokens.image(), new Shape(b, config.model().imageLength()));
        double lr = warmup.valueAt(step) * plateau.multiplier();
        PriorUpdate.Outcome outcome = update.run(text, image, lr, optimizer, ema, step);
        if (!outcome.applied()) {
          skipped++;
        }
        if (step >= config.warmupSteps() && Double.isFinite(outcome.loss())) {
          windowLossSum += outcome.loss();
          windowUpdates++;
          if (windowUpdates == config.plateauWindow()) {
            if (plateau.observe(windowLossSum / windowUpdates)) {
              log.printf(
                  "%ntrain-transformer: loss plateaued at step %d; learning rate halved (%d of"
                      + " %d)%n",
                  step + 1, plateau.state().halvings(), config.maxHalvings());
            }
            windowLossSum = 0;
            windowUpdates = 0;
          }
        }
        return outcome.withLearningRate(lr);
      }
    }

    private Map<String, Number> fields(PriorUpdate.Outcome outcome, double tokensPerSecond) {
      Map<String, Number> values = new LinkedHashMap<>();
      values.put("loss", outcome.loss());
      values.put("text_loss", outcome.textLoss());
      values.put("image_loss", outcome.imageLoss());
      values.put("grad_norm", outcome.gradNorm());
      values.put("lr", outcome.learningRate());
      values.put("skipped_updates", skipped);
      if (config.precision() == Precision.FP16) {
        values.put("min_grad_scale", outcome.minScale());
        values.put("max_grad_scale", outcome.maxScale());
      }
      values.put("tokens_per_s", tokensPerSecond);
      return values;
    }

    /** The figures on the progress line, in this order. */
    private static Map<String, Number> shown(PriorUpdate.Outcome outcome) {
      Map<String, Number> fields = new LinkedHashMap<>();
      fields.put("loss", outcome.loss());
      fields.put("text", outcome.textLoss());
      fields.put("image", outcome.imageLoss());
      return fields;
    }

    private void checkpoint(long step, DataPosition position) throws IOException {
      TrainerState state =
          new TrainerState(
              plateau.state(), windowLossSum, windowUpdates, skipped, update.exportScaler());
      ParameterList params = model.getParameters();
      try (NDManager scope = base.newSubManager();
          CheckpointWriter writer = store.begin(step)) {
        writer.putArrays(Checkpoint.MODEL, ParameterArrays.export(params, scope));
        writer.put(Checkpoint.OPTIMIZER, optimizer::save);
        if (ema.isStarted()) {
          writer.put(Checkpoint.EMA, ema::save);
        }
        writer.putJson(TrainerState.FILE, state);
        writer.putText(TOKENIZER, tokenizerJson);
        writer.commit(position, config.seed(), ConfigLoader.toYaml(config));
      }
    }
  }
}
