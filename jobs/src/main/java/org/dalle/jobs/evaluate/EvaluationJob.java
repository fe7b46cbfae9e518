package org.dalle.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.dalle.evaluation.compositional.CompositionalEvaluation;
import org.dalle.evaluation.compositional.CompositionalResult;
import org.dalle.evaluation.protocols.BlurRadii;
import org.dalle.evaluation.protocols.BlurSweepScores;
import org.dalle.evaluation.protocols.EvalFeaturesConfig;
import org.dalle.evaluation.protocols.FeatureStatisticsPipeline;
import org.dalle.evaluation.report.BlurCurve;
import org.dalle.evaluation.report.BlurCurvePlot;
import org.dalle.jobs.dvae.ReconstructionCheckResult;
import org.dalle.jobs.train.RunDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dalle evaluate}: the paper's evaluation of one sampling run in one directory (sections 3.1
 * and 3.2): FID and IS against the reference images at every Gaussian-blur radius for the reranked
 * top-1 and the unreranked samples, the compositional benchmark on the synthetic captions, and
 * {@code metrics.json}, {@code fid_vs_blur.png} (like Figure 9), the sample grids and {@code
 * report.html} that shows them together. Given the dVAE's run directory ({@code dvae_run}), the
 * report also shows the dVAE's reconstruction check ({@link ReconstructionCheckResult}).
 *
 * <p>Everything is written into a staging directory beside the output and renamed into place at the
 * end, so a crash never leaves a report that looks complete. The feature statistics run as the Beam
 * pipeline of {@code dalle eval-features} on the direct runner; the same inputs give the same
 * numbers.
 */
public final class EvaluationJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluationJob.class);

  public static final String METRICS_FILE = "metrics.json";
  public static final String REPORT_FILE = "report.html";
  static final String PLOT = "fid_vs_blur.png";
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /** What a run wrote: the report directory and the metrics it holds. */
  public record Result(Path out, JsonNode metrics) {}

  private EvaluationJob() {}

  /**
   * Runs the evaluation.
   *
   * @param overwrite replace an existing report directory
   * @throws IllegalStateException when the output exists and {@code overwrite} is false
   */
  public static Result run(EvaluateConfig config, boolean overwrite) throws IOException {
    config.validate();
    Path out = Path.of(config.out()).toAbsolutePath();
    if (Files.exists(out) && !overwrite) {
      throw new IllegalStateException(out + " already exists; pass --overwrite to replace it");
    }
    Path samples = Path.of(config.samples());
    Files.createDirectories(out.getParent());
    Path staging = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".");
    try {
      LOG.info(String.format("evaluate: reading the samples in %s", samples));
      SampleSets.Written sets = SampleSets.write(samples, staging.resolve("samples"));
      LOG.info(
          String.format(
              "  %d captions, %d candidates each; sets %s",
              sets.captions(), sets.candidates(), sets.images()));

      LOG.info(String.format("evaluate: features of the reference images %s", config.reference()));
      Path referenceFeatures = staging.resolve("features/reference");
      features(config, config.reference(), referenceFeatures);
      List<BlurCurve> curves = new ArrayList<>();
      ObjectNode metrics = JSON.createObjectNode();
      metrics.put("protocol", config.protocol());
      metrics.put("reference", config.reference());
      metrics.put("features", config.features());
      metrics.put("samples", samples.toAbsolutePath().toString());
      Path runJson = samples.resolve("run.json");
      if (Files.isRegularFile(runJson)) {
        metrics.set("sampling", JSON.readTree(runJson.toFile()));
      }
      ArrayNode blur = metrics.putArray("blur");
      config.blur().forEach(blur::add);
      ObjectNode setsNode = metrics.putObject("sets");
      List<String> warnings = new ArrayList<>();
      for (Map.Entry<String, Integer> set : sets.images().entrySet()) {
        String label = set.getKey();
        if (set.getValue() < 2) {
          warnings.add(label + " has " + set.getValue() + " image(s); FID needs at least 2");
          continue;
        }
        LOG.info(String.format("evaluate: features of %s (%d images)", label, set.getValue()));
        Path generated = staging.resolve("features/" + label);
        features(config, "folder:" + staging.resolve("samples/" + label), generated);
        BlurSweepScores.Result scores = BlurSweepScores.compute(referenceFeatures, generated);
        warnings.addAll(scores.warnings().stream().map(w -> label + ": " + w).toList());
        curves.add(curve(label, scores));
        setsNode.set(label, setNode(set.getValue(), scores));
      }
      if (curves.isEmpty()) {
        throw new IllegalArgumentException(
            "no sample set has 2 or more images, so no FID can be computed: " + warnings);
      }
      BlurCurvePlot.writePng(curves, staging.resolve(PLOT));

      CompositionalResult compositional = null;
      if (config.captions() != null) {
        LOG.info(String.format("evaluate: compositional benchmark against %s", config.captions()));
        compositional =
            new CompositionalEvaluation()
                .run(staging.resolve("samples"), Path.of(config.captions()), staging);
        metrics.set("compositional", JSON.valueToTree(compositional));
      }
      Optional<ReconstructionCheckResult> check =
          reconstructionCheck(config, staging, metrics, warnings);
      List<String> grids = copyGrids(samples, staging.resolve("grids"));
      ArrayNode warningsNode = metrics.putArray("warnings");
      warnings.forEach(warningsNode::add);
      metrics.set("versions", JSON.valueToTree(RunDirectory.versions()));
      Files.write(staging.resolve(METRICS_FILE), JSON.writeValueAsBytes(metrics));
      EvaluationReport.write(
          staging.resolve(REPORT_FILE), config, metrics, compositional, check, grids);

      commit(staging, out);
      staging = null;
      return new Result(out, metrics);
    } finally {
      if (staging != null) {
        deleteTree(staging);
      }
    }
  }

  /**
   * The dVAE run's reconstruction check, when {@code dvae_run} is set: its figures go into {@code
   * metrics} and its figure is copied beside the report; a run without one adds a warning.
   */
  private static Optional<ReconstructionCheckResult> reconstructionCheck(
      EvaluateConfig config, Path staging, ObjectNode metrics, List<String> warnings)
      throws IOException {
    if (config.dvaeRun() == null) {
      return Optional.empty();
    }
    Path dvae = Path.of(config.dvaeRun());
    Path file = dvae.resolve(ReconstructionCheckResult.FILE);
    if (!Files.isRegularFile(file)) {
      warnings.add(
          "no "
              + ReconstructionCheckResult.FILE
              + " in "
              + dvae
              + ": train-dvae writes it at the end of a run on synthetic data");
      return Optional.empty();
    }
    JsonNode json = JSON.readTree(file.toFile());
    ReconstructionCheckResult check = ReconstructionCheckResult.fromJson(json, file.toString());
    metrics.set("reconstruction_check", json);
    Path figure = dvae.resolve(ReconstructionCheckResult.FIGURE);
    if (Files.isRegularFile(figure)) {
      Files.copy(figure, staging.resolve(ReconstructionCheckResult.FIGURE));
    }
    return Optional.of(check);
  }

  private static void features(EvaluateConfig config, String images, Path out) throws IOException {
    EvalFeaturesConfig features =
        new EvalFeaturesConfig(
            images,
            config.features(),
            out.toString(),
            config.blur(),
            config.batchSize(),
            config.squareSize(),
            config.splits(),
            1,
            8);
    FeatureStatisticsPipeline.run(features, PipelineOptionsFactory.create(), true);
  }

  private static BlurCurve curve(String label, BlurSweepScores.Result scores) {
    List<BlurCurve.Point> points = new ArrayList<>();
    for (BlurSweepScores.RadiusScores r : scores.radii()) {
      points.add(
          new BlurCurve.Point(
              (int) Math.round(r.radius()),
              r.fid(),
              r.generatedIs().mean().orElse(Double.NaN),
              r.generatedIs().std().orElse(Double.NaN)));
    }
    return new BlurCurve(label.replace('_', ' '), points);
  }

  private static ObjectNode setNode(int images, BlurSweepScores.Result scores) {
    ObjectNode node = JSON.createObjectNode();
    node.put("images", images);
    ArrayNode radii = node.putArray("radii");
    for (BlurSweepScores.RadiusScores r : scores.radii()) {
      ObjectNode radius = radii.addObject();
      radius.put("radius", r.radius());
      radius.put("label", BlurRadii.label(r.radius()));
      radius.put("fid", r.fid());
      radius.put("reference_images", r.referenceImages());
      radius.put("generated_images", r.generatedImages());
      r.generatedIs().mean().ifPresent(v -> radius.put("is_mean", v));
      r.generatedIs().std().ifPresent(v -> radius.put("is_std", v));
      r.referenceIs().mean().ifPresent(v -> radius.put("reference_is_mean", v));
      r.referenceIs().std().ifPresent(v -> radius.put("reference_is_std", v));
    }
    return node;
  }

  /** Copies the sampling job's per-caption grids; returns their paths relative to the report. */
  private static List<String> copyGrids(Path samples, Path target) throws IOException {
    Path grids = samples.resolve("grids");
    if (!Files.isDirectory(grids)) {
      return List.of();
    }
    Files.createDirectories(target);
    List<String> copied = new ArrayList<>();
    try (Stream<Path> files = Files.list(grids)) {
      for (Path png : files.filter(p -> p.toString().endsWith(".png")).sorted().toList()) {
        Files.copy(png, target.resolve(png.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        copied.add("grids/" + png.getFileName());
      }
    }
    return copied;
  }

  private static void commit(Path staging, Path out) throws IOException {
    if (Files.exists(out)) {
      Path old = out.resolveSibling("." + out.getFileName() + ".old");
      deleteTree(old);
      Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
      Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(old);
    } else {
      Files.move(staging, out, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
