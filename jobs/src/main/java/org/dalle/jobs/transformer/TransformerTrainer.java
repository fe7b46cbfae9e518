package org.dalle.jobs.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import org.dalle.jobs.train.BatchSampler;
import org.dalle.jobs.train.Checkpoint;
import org.dalle.jobs.train.CheckpointWriter;
import org.dalle.jobs.train.DataPosition;
import org.dalle.jobs.train.LossWindow;
import org.dalle.jobs.train.ModelTrainer;
import org.dalle.jobs.train.PlateauHalving;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.jobs.train.Schedule;
import org.dalle.jobs.train.StepFigures;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.jobs.train.TrainingSettings;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Ema;
import org.dalle.models.transformer.PriorExport;
import org.dalle.models.transformer.TransformerPrior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(TransformerTrainer.class);

  /** The tokenizer copy in every checkpoint. */
  static final String TOKENIZER = "tokenizer.json";

  private final TrainTransformerConfig requested;
  private TrainTransformerConfig config;
  private TransformerData data;
  private TransformerPrior model;
  private PriorUpdate update;
  private AdamW optimizer;
  private Ema ema;
  private PlateauHalving plateau;
  private LossWindow window;
  private Schedule warmup;
  private long skipped;
  private PriorFigures last;

  /**
   * @param config the resolved config; a model text vocabulary of 0 is taken from the tokenizer
   */
  public TransformerTrainer(TrainTransformerConfig config) {
    this.requested = config.validate();
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
    data = TransformerData.load(requested);
    config = data.config();
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
    window = new LossWindow(config.plateauWindow());
    warmup = Schedule.linearWarmup(config.learningRate(), config.warmupSteps());
    return new Parts(model.getParameters(), optimizer, Optional.of(ema));
  }

  @Override
  public BatchSampler sampler(DataPosition position) {
    return BatchSampler.of(config.training(), data.examples(), position);
  }

  @Override
  public PriorUpdate.Backward backward(long step, BatchSampler.Batch batch, NDManager scope) {
    BatchBuilder.Tokens tokens = data.batches().build(batch.indices(), step);
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
      OptionalDouble mean = window.add(outcome.loss());
      if (mean.isPresent() && plateau.observe(mean.getAsDouble())) {
        LOG.info(
            String.format(
                "%ntrain-transformer: loss plateaued at step %d; learning rate halved (%d of %d)",
                step + 1, plateau.state().halvings(), config.maxHalvings()));
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
            plateau.state(), window.sum(), window.count(), skipped, update.exportScaler()));
    writer.putText(TOKENIZER, data.tokenizerJson());
  }

  @Override
  public void restoreState(Checkpoint checkpoint) throws IOException {
    TrainerState state = checkpoint.readJson(TrainerState.FILE, TrainerState.class);
    plateau.restore(state.plateau());
    update.importScaler(state.gradientScaler());
    window.restore(state.windowLossSum(), state.windowUpdates());
    skipped = state.skippedUpdates();
  }

  @Override
  public void export(long step, Path exportDir, RunDirectory run) throws IOException {
    PriorExport.write(model, data.tokenizerJson(), exportDir);
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
