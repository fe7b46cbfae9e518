package org.dalle.jobs.evaluator;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.dalle.evaluation.evaluator.EvaluatorExport;
import org.dalle.evaluation.evaluator.EvaluatorNetwork;
import org.dalle.evaluation.evaluator.HeadLoss;
import org.dalle.evaluation.evaluator.SceneClassifier;
import org.dalle.evaluation.evaluator.SceneLabels;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.dvae.BatchSampler;
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
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Gradients;
import org.dalle.models.optim.ParameterArrays;

/**
 * The training loop of the in-domain evaluator ({@link SceneClassifier}): AdamW with a cosine
 * learning rate on the {@code train} part of the synthetic data ({@link LabelledImages}), the
 * validation accuracy of every head in {@code metrics.jsonl} every {@code eval_every} updates,
 * checkpoints that resume exactly, a progress bar, and at the end the export and {@value
 * HeldOutEvaluation#FILE} (held-out accuracy, real-vs-real FID, IS of real images).
 *
 * <p>Exact resumption as in the other training jobs ({@link Seeds}): the network has no dropout or
 * noise, the data order is a function of the seed and the epoch, and a checkpoint holds the
 * weights, the AdamW moments, the step and the data position. Every update runs in its own {@link
 * NDManager}.
 */
public final class EvaluatorTrainer {

  /** Where the trained network is exported ({@link EvaluatorExport}). */
  public static final String EXPORT_DIR = "export";

  /**
   * What a run ended with.
   *
   * @param step updates done
   * @param finished whether all configured steps are done (false after a stop request)
   * @param exitCode 0, or the stop signal's code
   * @param evaluation the held-out evaluation, when {@code finished}
   * @param export the export directory, written when {@code finished}
   */
  public record Result(
      long step, boolean finished, int exitCode, HeldOutEvaluation evaluation, Path export) {}

  private final TrainEvaluatorConfig config;
  private final List<String> commandLine;
  private final StopSignal stop;
  private final PrintStream log;
  private final SceneLabels labels = SceneLabels.synthetic();
  private LongConsumer afterStep = step -> {};

  /**
   * @param config the resolved config
   * @param commandLine the arguments, recorded in {@code run.json}
   * @param stop polled after every update
   * @param log where the progress bar and messages go
   */
  public EvaluatorTrainer(
      TrainEvaluatorConfig config, List<String> commandLine, StopSignal stop, PrintStream log) {
    this.config = config.validate();
    this.commandLine = List.copyOf(commandLine);
    this.stop = stop;
    this.log = log;
  }

  /** Called with the step count after each update (tests use it to interrupt a run). */
  EvaluatorTrainer onStep(LongConsumer afterStep) {
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
    LabelledImages.Splits splits =
        LabelledImages.load(
            Path.of(config.data()),
            labels,
            config.model().imageSize(),
            config.validationFraction());
    if (splits.train().count() < config.batchSize()) {
      throw new IllegalArgumentException(
          String.format(
              "%s has %d training images (of the synthetic train split, after the validation"
                  + " share); expected at least batch_size (%d)",
              config.data(), splits.train().count(), config.batchSize()));
    }
    if (splits.validation().count() < 2) {
      throw new IllegalArgumentException(
          String.format(
              "validation_fraction %s of %s leaves %d validation images; expected at least 2:"
                  + " raise it or prepare more images",
              config.validationFraction(), config.data(), splits.validation().count()));
    }
    log.printf(
        "train-evaluator: %d training, %d validation and %d heldout-split images%n",
        splits.train().count(), splits.validation().count(), splits.heldout().count());

    RunDirectory run =
        RunDirectory.open(
            Path.of(config.out()),
            ConfigLoader.toYaml(config),
            Map.of("seed", config.seed()),
            commandLine);
    CheckpointStore store = new CheckpointStore(run.checkpoints(), config.keepCheckpoints());
    Optional<Checkpoint> latest = store.latestToResume(resume, run.dir());

    try (NDManager base = Engine.getInstance().newBaseManager();
        AdamW optimizer =
            AdamW.builder()
                .optBetas(config.adamBeta1(), config.adamBeta2())
                .optEpsilon(config.adamEpsilon())
                .optWeightDecay(config.weightDecay())
                .build()) {
      SceneClassifier model =
          SceneClassifier.builder().setConfig(config.model()).setClasses(labels.classes()).build();
      Seeds.seedEngineForStep(config.seed(), 0);
      model.initializeParameters(base);
      ParameterList params = model.getParameters();
      long step = 0;
      DataPosition position = DataPosition.start();
      if (latest.isPresent()) {
        Checkpoint checkpoint = latest.get();
        restore(checkpoint, params, optimizer, base);
        step = checkpoint.step();
        position = checkpoint.data();
        log.printf("train-evaluator: resuming from %s (step %d)%n", checkpoint.dir(), step);
      } else if (resume) {
        log.println("train-evaluator: no checkpoint in " + store.root() + "; starting fresh");
      }
      EvaluatorNetwork network = EvaluatorNetwork.wrap(model, labels, base);
      return new Loop(model, network, params, optimizer, base, splits, run, store)
          .train(step, position);
    }
  }

  private void restore(Checkpoint checkpoint, ParameterList params, AdamW optimizer, NDManager base)
      throws IOException {
    checkpoint.requireSeed(config.seed());
    try (NDManager scope = base.newSubManager()) {
      ParameterArrays.restore(params, checkpoint.readArrays(Checkpoint.MODEL, scope));
    }
    try (InputStream in = checkpoint.open(Checkpoint.OPTIMIZER)) {
      optimizer.load(in);
    }
  }

  /** The state of one invocation's loop. */
  private final class Loop {
    private final SceneClassifier model;
    private final EvaluatorNetwork network;
    private final ParameterList params;
    private final AdamW optimizer;
    private final NDManager base;
    private final LabelledImages.Splits splits;
    private final RunDirectory run;
    private final CheckpointStore store;
    private final Schedule learningRate;

    Loop(
        SceneClassifier model,
        EvaluatorNetwork network,
        ParameterList params,
        AdamW optimizer,
        NDManager base,
        LabelledImages.Splits splits,
        RunDirectory run,
        CheckpointStore store) {
      this.model = model;
      this.network = network;
      this.params = params;
      this.optimizer = optimizer;
      this.base = base;
      this.splits = splits;
      this.run = run;
      this.store = store;
      learningRate =
          Schedule.cosine(config.learningRate(), config.finalLearningRate(), config.steps());
    }

    Result train(long startStep, DataPosition position) throws IOException {
      LabelledImages train = splits.train();
      BatchSampler sampler =
          new BatchSampler(config.seed(), train.count(), config.batchSize(), false, position);
      ProgressBar progress = ProgressBar.forLog(config.steps(), log);
      long step = startStep;
      long checkpointed = startStep;
      Number validationPair = null;
      Map<String, Number> shown = Map.of();
      try (MetricsLog metrics = MetricsLog.open(run.metrics(), startStep)) {
        while (step < config.steps() && !stop.isRequested()) {
          Map<String, Number> values = update(step, sampler);
          step++;
          metrics.log(step, values);
          if (step % config.evalEvery() == 0 || step == config.steps()) {
            Map<String, Number> validation = new LinkedHashMap<>();
            HeldOutEvaluation.accuracy(network, splits.validation())
                .forEach((head, accuracy) -> validation.put("val_accuracy_" + head, accuracy));
            metrics.log(step, validation);
            validationPair = validation.get("val_accuracy_" + pairName());
          }
          shown = new LinkedHashMap<>();
          shown.put("loss", values.get("loss"));
          if (validationPair != null) {
            shown.put("val_" + pairName(), validationPair);
          }
          progress.update(step, shown);
          afterStep.accept(step);
          if (step % config.checkpointEvery() == 0 && step < config.steps()) {
            checkpoint(step, sampler.position());
            checkpointed = step;
          }
        }
        progress.finish(step, shown);
      }
      // The last state is always in a checkpoint: at the end, after a stop, or already written.
      if (!(step == checkpointed && store.latest().isPresent())) {
        checkpoint(step, sampler.position());
      }
      boolean finished = step >= config.steps();
      Path export = run.file(EXPORT_DIR);
      HeldOutEvaluation evaluation = null;
      if (finished) {
        EvaluatorExport.write(model, network.labels(), export);
        evaluation = HeldOutEvaluation.measure(network, splits);
        evaluation.write(
            run.dir(), step, export, config.model().featureSize(), network.labels().scoreClasses());
      }
      return new Result(step, finished, stop.exitCode(), evaluation, export);
    }

    private String pairName() {
      return String.join("_", labels.scoreHeads());
    }

    /** One update from {@code step} earlier ones, all intermediates in a per-step manager. */
    private Map<String, Number> update(long step, BatchSampler sampler) {
      try (NDManager scope = base.newSubManager()) {
        Seeds.seedEngineForStep(config.seed(), step);
        LabelledImages train = splits.train();
        int[] indices = sampler.next().indices();
        int b = indices.length;
        float[] pixels = new float[b * train.inputFloats()];
        float[] targets = new float[b * labels.classes()];
        for (int i = 0; i < b; i++) {
          train.copyInput(indices[i], pixels, i * train.inputFloats());
          train.copyTargets(indices[i], targets, i * labels.classes());
        }
        int side = config.model().imageSize();
        NDArray x = scope.create(pixels, new Shape(b, 3, side, side)); // (B, 3, S, S)
        NDArray t = scope.create(targets, new Shape(b, labels.classes())); // (B, K)
        double lr = learningRate.valueAt(step);
        NDArray loss;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDList out = model.forward(new ParameterStore(scope, false), new NDList(x), true);
          loss = HeadLoss.of(out.get(1), t, labels);
          collector.backward(loss);
        }
        double value = loss.getFloat();
        if (!Double.isFinite(value)) {
          throw new IllegalStateException(
              "loss is " + value + " at step " + (step + 1) + "; lower learning_rate");
        }
        optimizer.update(params, lr);
        Gradients.zeroGradients(params);
        Map<String, Number> values = new LinkedHashMap<>();
        values.put("loss", value);
        values.put("lr", lr);
        return values;
      }
    }

    private void checkpoint(long step, DataPosition position) throws IOException {
      try (NDManager scope = base.newSubManager();
          CheckpointWriter writer = store.begin(step)) {
        writer.putArrays(Checkpoint.MODEL, ParameterArrays.export(params, scope));
        writer.put(Checkpoint.OPTIMIZER, optimizer::save);
        writer.commit(position, config.seed(), ConfigLoader.toYaml(config));
      }
    }
  }
}
