package org.dalle.jobs.clip;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.dalle.jobs.train.BatchSampler;
import org.dalle.jobs.train.CheckpointWriter;
import org.dalle.jobs.train.DataPosition;
import org.dalle.jobs.train.ModelTrainer;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.jobs.train.Schedule;
import org.dalle.jobs.train.StepFigures;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.jobs.train.TrainingSettings;
import org.dalle.models.clip.ClipExport;
import org.dalle.models.clip.ClipLoss;
import org.dalle.models.clip.ClipModel;
import org.dalle.models.clip.RetrievalAccuracy;
import org.dalle.models.optim.AdamW;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contrastive reranker's part of a {@link TrainingLoop} (section 2.5 of the paper; CLIP,
 * Radford et al. 2021): symmetric InfoNCE with a learned temperature over batches of (image,
 * caption) pairs, AdamW with a linear warm-up and cosine decay, optional gradient-norm clipping. At
 * the last step it exports the model with the tokenizer ({@link ClipExport}) for reranking and runs
 * the held-out retrieval check.
 *
 * <p>The first {@code validation_images} pairs (in record-id order) are held out of training.
 */
public final class ClipTrainer implements ModelTrainer<ClipTrainer.Pass, TrainClipResult> {
  private static final Logger LOG = LoggerFactory.getLogger(ClipTrainer.class);

  /** The held-out retrieval accuracies, written at the end. */
  public static final String RETRIEVAL_FILE = "retrieval.json";

  /** The tokenizer copy in every checkpoint. */
  static final String TOKENIZER = "tokenizer.json";

  /** One batch's loss, with the captions that tell which pairs match. */
  record Pass(ClipLoss terms, List<String> captions, double temperature)
      implements ModelTrainer.Pass {
    @Override
    public double loss() {
      return terms.total().getFloat();
    }
  }

  private final TrainClipConfig requested;
  private TrainClipConfig config;
  private TrainingPairs data;
  private Schedule learningRate;
  private ClipModel model;
  private ParameterList params;
  private AdamW optimizer;
  private NDManager base;
  private ClipFigures last;
  private RetrievalAccuracy retrieval;

  /**
   * @param config the resolved config; a model text vocabulary of 0 is taken from the tokenizer
   */
  public ClipTrainer(TrainClipConfig config) {
    this.requested = config.validate();
  }

  @Override
  public String name() {
    return "train-clip";
  }

  @Override
  public TrainingSettings settings() {
    return requested.training();
  }

  @Override
  public Object load() throws IOException {
    data = TrainingPairs.load(requested);
    config = data.config();
    learningRate =
        Schedule.warmupCosine(
            config.learningRate(),
            config.finalLearningRate(),
            config.warmupSteps(),
            config.training().steps());
    return config;
  }

  @Override
  public Parts build(NDManager base) {
    this.base = base;
    optimizer = config.optimizer().build(true);
    model = new ClipModel(config.model());
    model.initializeParameters(base);
    params = model.getParameters();
    LOG.info(
        String.format(
            "train-clip: %d parameters; %d training pairs, %d held out",
            model.parameterCount(), data.train().count(), data.validation().count()));
    return new Parts(params, optimizer, Optional.empty());
  }

  @Override
  public BatchSampler sampler(DataPosition position) {
    CaptionedImages train = data.train();
    return BatchSampler.ofImages(
        config.training(),
        train.count(),
        false, // a mirrored image no longer matches "to the left of"
        train.images().cropPositions(),
        config.randomCrop(),
        position);
  }

  @Override
  public Pass backward(long step, BatchSampler.Batch batch, NDManager scope) {
    TrainingPairs.Batch pairs = data.batch(batch, scope, step);
    double temperature = model.temperature();
    ClipLoss loss;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      loss = model.loss(pairs.images(), pairs.text(), pairs.negatives());
      collector.backward(loss.total());
    }
    return new Pass(loss, pairs.captions(), temperature);
  }

  @Override
  public StepFigures update(long step, Pass pass) {
    double gradNorm =
        config.gradientClip() > 0
            ? optimizer.clipGradientNorm(params, config.gradientClip())
            : optimizer.gradientNorm(params);
    double lr = learningRate.valueAt(step);
    last = ClipFigures.of(pass, lr, gradNorm, config.training().batchSize());
    optimizer.update(params, lr);
    return last;
  }

  @Override
  public void saveState(CheckpointWriter writer) throws IOException {
    writer.putText(TOKENIZER, data.tokenizerJson());
  }

  @Override
  public void export(long step, Path exportDir, RunDirectory run) throws IOException {
    ClipExport.write(model, data.tokenizerJson(), exportDir);
    retrieval = RetrievalCheck.atEndOfRun(model, data, base, run, step);
  }

  @Override
  public TrainClipResult result(TrainingLoop.Outcome outcome) {
    return new TrainClipResult(
        outcome.step(),
        outcome.finished(),
        outcome.exitCode(),
        last == null ? Double.NaN : last.loss(),
        last == null ? Double.NaN : last.accuracy(),
        model.temperature(),
        retrieval,
        outcome.export());
  }
}
