package org.dalle.jobs.indomain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dalle.evaluation.indomain.EvaluatorNetwork;
import org.dalle.evaluation.indomain.HeadAccuracy;
import org.dalle.evaluation.indomain.SceneLabels;
import org.dalle.evaluation.metrics.FeatureMatrix;
import org.dalle.evaluation.metrics.FeatureStatistics;
import org.dalle.evaluation.metrics.FrechetDistance;
import org.dalle.evaluation.metrics.InceptionScore;
import org.dalle.jobs.train.AtomicFiles;

/**
 * What a trained evaluator is worth, measured on real images and written to {@value #FILE}: the
 * held-out accuracy of every head (on the validation share and on the heldout split when there is
 * one), the FID between the training images and the validation images (the real-vs-real baseline a
 * generator's FID is read against) and the Inception Score of the real images (the score of a
 * perfect generator of this data).
 *
 * @param accuracy accuracy by head (and joint), by part; parts without images are absent
 * @param fidTrainVsValidation FID in the evaluator's features between the two parts
 * @param validationScore IS of the validation images; null with fewer images than IS splits
 * @param trainScore IS of the training images; null with fewer images than IS splits
 * @param counts images per part
 */
public record HeldOutEvaluation(
    Map<String, Map<String, Double>> accuracy,
    double fidTrainVsValidation,
    InceptionScore.Result validationScore,
    InceptionScore.Result trainScore,
    Map<String, Integer> counts) {

  /** The file in the run directory. */
  public static final String FILE = "evaluation.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Evaluates {@code network} on the three parts of the data. */
  public static HeldOutEvaluation measure(EvaluatorNetwork network, LabelledImages.Splits splits) {
    Map<String, Map<String, Double>> accuracy = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("train", splits.train().count());
    counts.put("validation", splits.validation().count());
    counts.put("heldout", splits.heldout().count());
    EvaluatorNetwork.Activations validation = activations(network, splits.validation());
    accuracy.put("validation", accuracy(network.labels(), validation, splits.validation()));
    if (splits.heldout().count() > 0) {
      accuracy.put(
          "heldout",
          accuracy(network.labels(), activations(network, splits.heldout()), splits.heldout()));
    }
    EvaluatorNetwork.Activations train = activations(network, splits.train());
    double fid =
        FrechetDistance.between(
            FeatureStatistics.fromFeatures(train.features(), true),
            FeatureStatistics.fromFeatures(validation.features(), true));
    return new HeldOutEvaluation(
        accuracy, fid, score(network.labels(), validation), score(network.labels(), train), counts);
  }

  /** Held-out accuracy by head of one part, as {@code metrics.jsonl} logs it during training. */
  static Map<String, Double> accuracy(EvaluatorNetwork network, LabelledImages images) {
    return accuracy(network.labels(), activations(network, images), images);
  }

  private static EvaluatorNetwork.Activations activations(
      EvaluatorNetwork network, LabelledImages images) {
    return network.activations(images.inputs(), images.count());
  }

  private static Map<String, Double> accuracy(
      SceneLabels labels, EvaluatorNetwork.Activations activations, LabelledImages images) {
    HeadAccuracy accuracy = new HeadAccuracy(labels);
    double[] logits = activations.headLogits().values();
    for (int i = 0; i < images.count(); i++) {
      accuracy.add(logits, i, images.targets(i), images.scoreTargets(i));
    }
    return accuracy.accuracies();
  }

  private static InceptionScore.Result score(
      SceneLabels labels, EvaluatorNetwork.Activations activations) {
    int n = activations.headLogits().rows();
    if (n < InceptionScore.DEFAULT_SPLITS) {
      return null;
    }
    double[] joint = labels.scoreLogits(activations.headLogits().values(), n);
    return InceptionScore.of(
        new FeatureMatrix(n, labels.scoreClasses(), joint), InceptionScore.DEFAULT_SPLITS);
  }

  /** Writes {@value #FILE} into {@code runDir} atomically, with the step and the export's path. */
  public void write(Path runDir, long step, Path export, int featureSize, int scoreClasses)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("step", step);
    root.put("export", export.toString());
    root.set("images", JSON.valueToTree(counts));
    root.set("accuracy", JSON.valueToTree(accuracy));
    ObjectNode fid = root.putObject("fid_train_vs_validation");
    fid.put("value", fidTrainVsValidation);
    fid.put("feature_size", featureSize);
    fid.put(
        "rank_deficient", Math.min(counts.get("train"), counts.get("validation")) < featureSize);
    ObjectNode is = root.putObject("inception_score");
    is.put("classes", scoreClasses);
    is.set("validation", scoreNode(validationScore));
    is.set("train", scoreNode(trainScore));
    AtomicFiles.write(
        runDir.resolve(FILE), out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, root));
  }

  private static ObjectNode scoreNode(InceptionScore.Result result) {
    if (result == null) {
      return null;
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("mean", result.mean());
    node.put("std", result.std());
    node.put("splits", result.splits());
    return node;
  }
}
