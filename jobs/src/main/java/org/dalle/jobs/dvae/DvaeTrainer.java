package org.dalle.jobs.dvae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.dalle.jobs.train.BatchSampler;
import org.dalle.jobs.train.DataPosition;
import org.dalle.jobs.train.ModelTrainer;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.jobs.train.StepFigures;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.jobs.train.TrainingSettings;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.models.dvae.DvaeLoss;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Ema;

/**
 * The dVAE's part of a {@link TrainingLoop} (section 2.1 and appendix A.2 of the paper): AdamW with
 * a cosine learning rate, Gumbel-softmax temperature annealed 1 → 1/16, KL weight raised 0 → 6.6,
 * an EMA of the weights, {@code reconstructions.png} at every checkpoint, and at the last step the
 * EMA weights exported for the encode stage ({@link DvaeExport}).
 *
 * <p>The first {@code reconstruction_images} images of the data are held out of training and shown
 * in the figure; the rest are loaded into memory (see {@link TrainingImages}).
 *
 * <p>After the export, the {@link ReconstructionCheck} runs on {@code reconstruction_check_images}
 * scenes of the synthetic source's held-out split ({@link HeldOutScenes}) with the EMA weights, and
 * writes {@code reconstruction_check.json}, {@code reconstruction_check.png} and a {@code check_*}
 * line in {@code metrics.jsonl}. Where the data is not synthetic, the run says so before training.
 */
public final class DvaeTrainer implements ModelTrainer<DvaeTrainer.Pass, TrainDvaeResult> {

  /** The figure written at each checkpoint. */
  public static final String FIGURE = "reconstructions.png";

  /** One batch's loss, with the images it reconstructs. */
  record Pass(DvaeLoss terms, NDArray images, double tau, double beta)
      implements ModelTrainer.Pass {
    @Override
    public double loss() {
      return terms.total().getFloat();
    }
  }

  private final TrainDvaeConfig config;
  private final DvaeSchedules schedules;
  private DvaeData data;
  private DiscreteVae model;
  private ParameterList params;
  private AdamW optimizer;
  private Ema ema;
  private NDManager base;

  /**
   * Updates between two measurements of the argmax reconstruction's MSE, which costs about an
   * eighth of an update; it is also measured at the first update and the last.
   */
  static final int MSE_EVERY = 10;

  private DvaeFigures last;
  private double heldOutMse = Double.NaN;
  private Optional<ReconstructionCheckResult> check = Optional.empty();

  /**
   * @param config the resolved, validated config
   */
  public DvaeTrainer(TrainDvaeConfig config) {
    this.config = config.validate();
    this.schedules = DvaeSchedules.of(config);
  }

  @Override
  public String name() {
    return "train-dvae";
  }

  @Override
  public TrainingSettings settings() {
    return config.training();
  }

  @Override
  public Object load() throws IOException {
    data = DvaeData.load(config);
    return config;
  }

  @Override
  public Parts build(NDManager base) {
    this.base = base;
    optimizer = config.optimizer().build(false);
    ema = new Ema(config.emaDecay());
    model = new DiscreteVae(config.model());
    model.initializeParameters(base);
    params = model.getParameters();
    return new Parts(params, optimizer, Optional.of(ema));
  }

  @Override
  public BatchSampler sampler(DataPosition position) {
    TrainingImages train = data.train();
    return BatchSampler.ofImages(
        config.training(),
        train.count(),
        config.flip(),
        train.cropPositions(),
        config.randomCrop(),
        position);
  }

  @Override
  public Pass backward(long step, BatchSampler.Batch batch, NDManager scope) {
    int size = config.model().imageSize();
    NDArray images =
        scope.create(data.train().pixels(batch), new Shape(batch.indices().length, 3, size, size));
    float t = (float) schedules.tau().valueAt(step);
    float b = (float) schedules.beta().valueAt(step);
    DvaeLoss loss;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      float u = (float) schedules.usageWeight().valueAt(step);
      loss = model.loss(images, t, b, u, config.pixelLikelihood());
      collector.backward(loss.total());
    }
    return new Pass(loss, images, t, b);
  }

  @Override
  public StepFigures update(long step, Pass pass) {
    double lr = schedules.learningRate().valueAt(step);
    boolean measureMse =
        step == 0 || (step + 1) % MSE_EVERY == 0 || step == config.training().steps() - 1;
    last = DvaeFigures.measure(model, pass, lr, measureMse, last);
    optimizer.update(params, lr);
    ema.update(params);
    return last;
  }

  /** Redraws the figure with the EMA weights of the checkpoint just written. */
  @Override
  public void afterCheckpoint(long step) throws IOException {
    try (Ema.Swap swap = ema.isStarted() ? ema.swapInto(params) : null) {
      heldOutMse =
          ReconstructionFigure.write(
              Path.of(config.training().out(), FIGURE), data.figure(), model, base);
    }
  }

  @Override
  public void export(long step, Path exportDir, RunDirectory run) throws IOException {
    DvaeExport.write(model, exportDir);
    check = ReconstructionCheck.atEndOfRun(config, model, base, data, step, run);
  }

  @Override
  public TrainDvaeResult result(TrainingLoop.Outcome outcome) {
    return new TrainDvaeResult(
        outcome.step(),
        outcome.finished(),
        outcome.exitCode(),
        last == null ? Double.NaN : last.lastMse(),
        last == null ? 0 : last.codebook().usage(),
        last == null ? Double.NaN : last.codebook().perplexity(),
        heldOutMse,
        Path.of(config.training().out(), FIGURE),
        outcome.export(),
        check,
        outcome.finished() ? data.checkScenes().reason() : "the run stopped before its last step");
  }
}
