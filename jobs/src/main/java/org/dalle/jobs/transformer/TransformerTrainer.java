package org.dalle.jobs.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import org.dalle.jobs.train.BatchSampler;
import org.dalle.jobs.train.Checkpoint;
import org.dalle.jobs.train.CheckpointWriter;
import org.dalle.jobs.train.DataPosition;
import org.dalle.jobs.train.ModelTrainer;
import org.dalle.jobs.train.PlateauHalving;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.jobs.train.Schedule;
import org.dalle.jobs.train.StepFigures;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.jobs.train.TrainingSettings;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Ema;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.transformer.PriorExport;
import org.dalle.models.transformer.TransformerPrior;
import org.dalle.pipelines.encode.EncodePipeline;
import org.dalle.pipelines.prepare.PreparedData;

/**
 * The transformer prior's part of a {@link TrainingLoop} (section 2.2, 2.4 and appendix B.1 of the
 * paper): AdamW (0.9, 0.96, 1e-8, weight decay on weight matrices only), linear warm-up then
 * halving on plateau, global gradient-norm clipping, an EMA of the weights, optional BPE dropout,
 * float32 or float16 with per-resblock gradient scaling ({@link PriorUpdate}). At the last step the
 * EMA weights are exported with the tokenizer for {@code dalle sample} ({@link PriorExport}).
 *
 * <p>Beside the weights, optimizer and EMA, a checkpoint holds {@link TrainerState} (plateau
 * detector, gradient scales) and the tokenizer, so a resumed run takes bit-identical updates.
 */
public final class TransformerTrainer
    implements ModelTrainer<PriorUpdate.Backward, TrainTransformerResult> {

  /** The tokenizer copy in every checkpoint. */
  static final String TOKENIZER = "tokenizer.json";

  private final TrainTransformerConfig requested;
  private final PrintStream log;
  private TrainTransformerConfig config;
  private String tokenizerJson;
  private BatchBuilder batches;
  private int examples;
  private TransformerPrior model;
  private PriorUpdate update;
  private AdamW optimizer;
  private Ema ema;
  private PlateauHalving plateau;
  private Schedule warmup;
  private double windowLossSum;
  private long windowUpdates;
  private long skipped;
  private PriorFigures last;

  /**
   * @param config the resolved config; a model text vocabulary of 0 is taken from the tokenizer
   * @param log where messages go
   */
  public TransformerTrainer(TrainTransformerConfig config, PrintStream log) {
    this.requested = config.validate();
    this.log = log;
  }

  @Override
  public String name() {
    return "train-transformer";
  }

  @Override
  public TrainingSettings settings() {
    return requested.training();
  }

  @Override
  public Object load() throws IOException {
    TrainTransformerConfig located = requested;
    if (requested.tokenizer() == null || requested.tokenizer().isBlank()) {
      // The tokens' run.json names the prepare output they were encoded from.
      PreparedData prepared = PreparedData.open(EncodePipeline.preparedData(requested.data()));
      located = requested.withTokenizer(prepared.tokenizerPath());
      log.println(
          "train-transformer: tokenizer " + located.tokenizer() + " (of the prepared data)");
    }
    try {
      tokenizerJson = PreparedData.readText(located.tokenizer());
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException(
          located.tokenizer() + " does not exist; expected the tokenizer.json of `dalle prepare`",
          e);
    }
    BpeTokenizer tokenizer = BpeTokenizer.fromTokenizerJson(tokenizerJson);
    config = located.withTokenizerVocabulary(tokenizer.vocabSize());
    TokenizedDataset data = TokenizedDataset.load(Path.of(config.data()), config.model());
    int batchSize = config.training().batchSize();
    if (data.count() < batchSize) {
      throw new IllegalArgumentException(
          String.format(
              "%s holds %d examples; expected at least batch_size (%d)",
              config.data(), data.count(), batchSize));
    }
    examples = data.count();
    batches =
        new BatchBuilder(
            data,
            tokenizer,
            config.bpeDropout(),
            config.model().textLength(),
            config.model().imageLength(),
            config.training().seed());
    return config;
  }

  @Override
  public Parts build(NDManager base) {
    optimizer = config.optimizer().build(true);
    ema = new Ema(config.emaDecay());
    model = new TransformerPrior(config.model());
    model.initializeParameters(base);
    update = new PriorUpdate(model, config);
    plateau = new PlateauHalving(config.plateauPatience(), config.maxHalvings());
    warmup = Schedule.linearWarmup(config.learningRate(), config.warmupSteps());
    return new Parts(model.getParameters(), optimizer, Optional.of(ema));
  }

  @Override
  public BatchSampler sampler(DataPosition position) {
    TrainingSettings run = config.training();
    return new BatchSampler(run.seed(), examples, run.batchSize(), false, position);
  }

  @Override
  public PriorUpdate.Backward backward(long step, BatchSampler.Batch batch, NDManager scope) {
    BatchBuilder.Tokens tokens = batches.build(batch.indices(), step);
    int b = tokens.batch();
    NDArray text = scope.create(tokens.text(), new Shape(b, config.model().textLength()));
    NDArray image = scope.create(tokens.image(), new Shape(b, config.model().imageLength()));
    return update.backward(text, image);
  }

  @Override
  public boolean skipsNonFiniteUpdates() {
    return update.skipsNonFinite();
  }

  @Override
  public StepFigures update(long step, PriorUpdate.Backward pass) {
    double lr = warmup.valueAt(step) * plateau.multiplier();
    PriorUpdate.Outcome outcome = update.apply(pass, lr, optimizer, ema, step);
    if (!outcome.applied()) {
      skipped++;
    }
    if (step >= config.warmupSteps() && Double.isFinite(outcome.loss())) {
      windowLossSum += outcome.loss();
      windowUpdates++;
      if (windowUpdates == config.plateauWindow()) {
        if (plateau.observe(windowLossSum / windowUpdates)) {
          log.printf(
              "%ntrain-transformer: loss plateaued at step %d; learning rate halved (%d of %d)%n",
              step + 1, plateau.state().halvings(), config.maxHalvings());
        }
        windowLossSum = 0;
        windowUpdates = 0;
      }
    }
    long tokensPerUpdate = (long) config.training().batchSize() * config.model().sequenceLength();
    last =
        new PriorFigures(outcome, skipped, config.precision() == Precision.FP16, tokensPerUpdate);
    return last;
  }

  @Override
  public void saveState(CheckpointWriter writer) throws IOException {
    writer.putJson(
        TrainerState.FILE,
        new TrainerState(
            plateau.state(), windowLossSum, windowUpdates, skipped, update.exportScaler()));
    writer.putText(TOKENIZER, tokenizerJson);
  }

  @Override
  public void restoreState(Checkpoint checkpoint) throws IOException {
    TrainerState state = checkpoint.readJson(TrainerState.FILE, TrainerState.class);
    plateau.restore(state.plateau());
    update.importScaler(state.gradientScaler());
    windowLossSum = state.windowLossSum();
    windowUpdates = state.windowUpdates();
    skipped = state.skippedUpdates();
  }

  @Override
  public void export(long step, Path exportDir, RunDirectory run) throws IOException {
    PriorExport.write(model, tokenizerJson, exportDir);
  }

  @Override
  public TrainTransformerResult result(TrainingLoop.Outcome outcome) {
    long tokens = (long) config.training().batchSize() * config.model().sequenceLength();
    PriorUpdate.Outcome update = last == null ? null : last.outcome();
    return new TrainTransformerResult(
        outcome.step(),
        outcome.finished(),
        outcome.exitCode(),
        update == null ? Double.NaN : update.loss(),
        update == null ? Double.NaN : update.textLoss(),
        update == null ? Double.NaN : update.imageLoss(),
        skipped,
        (outcome.step() - outcome.firstStep()) * tokens / outcome.seconds(),
        outcome.export());
  }
}
