package org.dalle.jobs.cli;

import static org.dalle.jobs.cli.CommandSupport.put;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.indomain.EvaluatorTrainer;
import org.dalle.jobs.indomain.TrainEvaluatorConfig;
import org.dalle.jobs.indomain.TrainEvaluatorResult;
import org.dalle.jobs.train.TrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dalle train-evaluator}: the in-domain feature network for FID and IS on synthetic data.
 */
@Command(
    name = "train-evaluator",
    mixinStandardHelpOptions = true,
    header =
        "Train the in-domain evaluator: the feature/classifier network for FID and IS on the"
            + " synthetic data.",
    sortOptions = false,
    description = {
      "Trains a small CNN on DIR/images/*.avro of the synthetic source (records need its ground-truth attributes: kind, split, count, object.<i>.colour/shape/size/position) to predict each scene's colour, shape, size, position and count. Its penultimate layer gives the features of the in-domain FID; the joint of its colour and shape heads (48 classes) gives the Inception Score. Only the synthetic train split outside a validation share (validation_fraction, chosen by a hash of the record id) is trained on; the validation share and the heldout split (unseen colour-shape pairs) measure accuracy.",
      "",
      "AdamW with a cosine learning rate. Writes to --out: config.yaml, run.json, metrics.jsonl (step, loss, lr; every eval_every steps val_accuracy_<head>), checkpoints/ (atomic, every checkpoint_every steps, at the end and on Ctrl-C/SIGTERM), and at the end export/ (evaluator-config.json + evaluator.params, the FeatureNetwork for FID/IS) and evaluation.json (held-out accuracy per head, FID between the training and validation images, IS of the real images).",
      "",
      "Settings come from the config's defaults, then --config, then the flags below.",
      ""
    })
public final class TrainEvaluatorCommand implements Callable<Integer>, ConfiguredJob {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML config (configs/evaluator/tiny.yaml); flags override it.")
  Path config;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "The prepare output of the synthetic source (holding images/*.avro).")
  String data;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Run directory for checkpoints, metrics, evaluation.json and export/.")
  String out;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Updates in the whole run (the learning-rate schedule spans them).")
  Long steps;

  @Option(names = "--batch-size", paramLabel = "N", description = "Images per update.")
  Integer batchSize;

  @Option(
      names = "--lr",
      paramLabel = "LR",
      description = "Initial learning rate, decayed by cosine to final_learning_rate.")
  Double learningRate;

  @Option(
      names = "--validation-fraction",
      paramLabel = "F",
      description = "Share of the train split held out for accuracy and the real-vs-real FID.")
  Double validationFraction;

  @Option(
      names = "--eval-every",
      paramLabel = "N",
      description = "Updates between validation-accuracy lines in metrics.jsonl.")
  Long evalEvery;

  @Mixin TrainingRunOptions run;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of initialisation and data order.")
  Long seed;

  /** The resolved config: defaults, then --config, then flags. */
  TrainEvaluatorConfig resolveConfig() {
    Map<String, Object> o = new LinkedHashMap<>();
    put(o, "data", data);
    put(o, "out", out);
    put(o, "steps", steps);
    put(o, "batch_size", batchSize);
    put(o, "learning_rate", learningRate);
    put(o, "validation_fraction", validationFraction);
    put(o, "eval_every", evalEvery);
    put(o, "seed", seed);
    run.putOverrides(o);
    return ConfigLoader.load(TrainEvaluatorConfig.class, TrainEvaluatorConfig.defaults(), config, o)
        .validate();
  }

  @Override
  public Object jobConfig() {
    return resolveConfig();
  }

  @Override
  public Integer call() throws Exception {
    TrainEvaluatorConfig resolved = resolveConfig();
    List<String> args = CommandSupport.originalArgs(spec);
    if (run.startsRanks()) {
      return run.startRanks(args, resolved.training().out());
    }
    TrainEvaluatorResult result =
        TrainingJob.run(new EvaluatorTrainer(resolved), run.mode(), args, step -> {});
    result.print(System.out, resolved.training().out());
    return result.exitCode();
  }
}
