package org.dalle.jobs.indomain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.dalle.evaluation.indomain.EvaluatorExport;
import org.dalle.evaluation.indomain.EvaluatorNetwork;
import org.dalle.evaluation.indomain.HeadLoss;
import org.dalle.evaluation.indomain.SceneClassifier;
import org.dalle.evaluation.indomain.SceneLabels;
import org.dalle.jobs.train.BatchSampler;
import org.dalle.jobs.train.DataPosition;
import org.dalle.jobs.train.ModelTrainer;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.jobs.train.Schedule;
import org.dalle.jobs.train.StepFigures;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.jobs.train.TrainingSettings;
import org.dalle.models.optim.AdamW;

/**
 * The in-domain evaluator's part of a {@link TrainingLoop} ({@link SceneClassifier}): AdamW with a
 * cosine learning rate on the {@code train} part of the synthetic data ({@link LabelledImages}),
 * the validation accuracy of every head in {@code metrics.jsonl} every {@code eval_every} updates,
 * and at the end the export and {@value HeldOutEvaluation#FILE} (held-out accuracy, real-vs-real
 * FID, IS of real images).
 */
public final class EvaluatorTrainer
    implements ModelTrainer<EvaluatorTrainer.Pass, TrainEvaluatorResult> {

  /** One batch's summed head losses. */
  record Pass(NDArray total) implements ModelTrainer.Pass {
    @Override
    public double loss() {
      return total.getFloat();
    }
  }

  private final TrainEvaluatorConfig config;
  private final SceneLabels labels = SceneLabels.synthetic();
  private final Schedule learningRate;
  private LabelledImages.Splits splits;
  private SceneClassifier model;
  private EvaluatorNetwork network;
  private AdamW optimizer;
  private Number validationPair;
  private HeldOutEvaluation evaluation;

  /**
   * @param config the resolved config
   */
  public EvaluatorTrainer(TrainEvaluatorConfig config) {
    this.config = config.validate();
    learningRate =
        Schedule.cosine(
            config.learningRate(), config.finalLearningRate(), config.training().steps());
  }

  @Override
  public String name() {
    return "train-evaluator";
  }

  @Override
  public TrainingSettings settings() {
    return config.training();
  }

  @Override
  public Object load() throws IOException {
    splits = LabelledImages.forTraining(config, labels);
    return config;
  }

  @Override
  public Parts build(NDManager base) {
    optimizer = config.optimizer().build(false);
    model =
        SceneClassifier.builder().setConfig(config.model()).setClasses(labels.classes()).build();
    model.initializeParameters(base);
    network = EvaluatorNetwork.wrap(model, labels, base);
    return new Parts(model.getParameters(), optimizer, Optional.empty());
  }

  @Override
  public BatchSampler sampler(DataPosition position) {
    return BatchSampler.of(config.training(), splits.train().count(), position);
  }

  @Override
  public Pass backward(long step, BatchSampler.Batch batch, NDManager scope) {
    LabelledImages train = splits.train();
    int[] indices = batch.indices();
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
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDList out = model.forward(new ParameterStore(scope, false), new NDList(x), true);
      NDArray loss = HeadLoss.of(out.get(1), t, labels);
      collector.backward(loss);
      return new Pass(loss);
    }
  }

  @Override
  public StepFigures update(long step, Pass pass) {
    double lr = learningRate.valueAt(step);
    optimizer.update(model.getParameters(), lr);
    return new EvaluatorFigures(pass.loss(), lr, pairName(), () -> validationPair);
  }

  /** Every head's validation accuracy, each {@code eval_every} updates and after the last. */
  @Override
  public Map<String, Number> evaluate(long step) {
    if (step % config.evalEvery() != 0 && step != config.training().steps()) {
      return Map.of();
    }
    Map<String, Number> validation = new LinkedHashMap<>();
    HeldOutEvaluation.accuracy(network, splits.validation())
        .forEach((head, accuracy) -> validation.put("val_accuracy_" + head, accuracy));
    validationPair = validation.get("val_accuracy_" + pairName());
    return validation;
  }

  private String pairName() {
    return String.join("_", labels.scoreHeads());
  }

  @Override
  public void export(long step, Path exportDir, RunDirectory run) throws IOException {
    EvaluatorExport.write(model, network.labels(), exportDir);
    evaluation = HeldOutEvaluation.measure(network, splits);
    evaluation.write(
        run.dir(), step, exportDir, config.model().featureSize(), network.labels().scoreClasses());
  }

  @Override
  public TrainEvaluatorResult result(TrainingLoop.Outcome outcome) {
    return new TrainEvaluatorResult(
        outcome.step(), outcome.finished(), outcome.exitCode(), evaluation, outcome.export());
  }
}
