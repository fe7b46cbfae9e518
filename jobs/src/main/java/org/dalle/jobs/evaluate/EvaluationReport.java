package org.dalle.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.dalle.evaluation.compositional.CompositionalResult;
import org.dalle.evaluation.compositional.SampleSetScore;
import org.dalle.evaluation.compositional.TaskScore;
import org.dalle.evaluation.report.HtmlReport;
import org.dalle.jobs.dvae.ReconstructionCheckResult;

/**
 * Writes {@code report.html}: the figures of {@code metrics.json}, the plot, the compositional
 * benchmark with each caption's top-1 image and verdict ({@link CaptionVerdictTable}), the dVAE's
 * reconstruction check and the grids.
 */
final class EvaluationReport {

  private EvaluationReport() {}

  static void write(
      Path file,
      EvaluateConfig config,
      JsonNode metrics,
      CompositionalResult compositional,
      Optional<ReconstructionCheckResult> reconstructionCheck,
      List<String> grids)
      throws IOException {
    HtmlReport report = new HtmlReport("DALL·E evaluation: " + config.protocol());
    report.paragraph(
        "Samples: "
            + config.samples()
            + ". Reference images: "
            + config.reference()
            + ". Feature network: "
            + config.features()
            + ". Every figure is in metrics.json.");
    report.heading("FID and IS against Gaussian blur radius");
    report.figure(EvaluationJob.PLOT, "FID and IS of each sample set at each blur radius");
    Iterator<Map.Entry<String, JsonNode>> sets = metrics.get("sets").fields();
    while (sets.hasNext()) {
      Map.Entry<String, JsonNode> set = sets.next();
      List<List<String>> rows = new ArrayList<>();
      for (JsonNode radius : set.getValue().get("radii")) {
        rows.add(
            List.of(
                radius.get("label").asText(),
                format(radius.get("fid")),
                format(radius.get("is_mean")) + " ± " + format(radius.get("is_std")),
                format(radius.get("reference_is_mean")),
                radius.get("generated_images").asText()
                    + " / "
                    + radius.get("reference_images").asText()));
      }
      report.paragraph(set.getKey().replace('_', ' ') + ":");
      report.table(
          List.of("blur radius", "FID", "IS", "IS of real images", "images (generated / real)"),
          rows);
    }
    if (compositional != null) {
      report.heading("Compositional benchmark");
      report.paragraph(
          compositional.captionCount()
              + " captions, "
              + compositional.heldOutCaptions()
              + " of them name a (colour, shape) pair held out of training.");
      List<String> tasks = new ArrayList<>();
      for (SampleSetScore set : compositional.sets()) {
        for (String task : set.tasks().keySet()) {
          if (!tasks.contains(task)) {
            tasks.add(task);
          }
        }
      }
      List<String> headers = new ArrayList<>(List.of("task"));
      compositional.sets().forEach(s -> headers.add(s.label().replace('_', ' ')));
      List<List<String>> rows = new ArrayList<>();
      for (String task : tasks) {
        List<String> row = new ArrayList<>(List.of(task));
        for (SampleSetScore set : compositional.sets()) {
          row.add(score(set.tasks().get(task)));
        }
        rows.add(row);
      }
      List<String> overall = new ArrayList<>(List.of("overall (mean of tasks)"));
      compositional.sets().forEach(s -> overall.add(percent(s.overall())));
      rows.add(overall);
      List<String> all = new ArrayList<>(List.of("every stated fact holds"));
      compositional.sets().forEach(s -> all.add(score(s.allFacts())));
      rows.add(all);
      report.table(headers, rows);
      CaptionVerdictTable.add(report, file, compositional);
    }
    if (reconstructionCheck.isPresent()) {
      reconstructionCheck(
          report,
          reconstructionCheck.get(),
          Files.isRegularFile(file.resolveSibling(ReconstructionCheckResult.FIGURE)));
    }
    JsonNode warnings = metrics.get("warnings");
    if (warnings != null && !warnings.isEmpty()) {
      report.heading("Warnings");
      for (JsonNode warning : warnings) {
        report.paragraph(warning.asText());
      }
    }
    if (!grids.isEmpty()) {
      report.heading("Samples, best-ranked first");
      for (String grid : grids) {
        report.figure(grid, grid.substring(grid.lastIndexOf('/') + 1));
      }
    }
    report.write(file);
  }

  /** The dVAE section: does the codebook keep colour and shape on scenes training never saw? */
  private static void reconstructionCheck(
      HtmlReport report, ReconstructionCheckResult check, boolean figure) {
    report.heading("dVAE reconstruction check");
    report.paragraph(
        check.images()
            + " scenes of the held-out split (each shows a (colour, shape) pair training never"
            + " showed) through the dVAE's EMA weights (argmax codes). An image is right when the"
            + " compositional checker finds exactly its objects, matched one-to-one by colour and"
            + " shape; the reconstructions must reach "
            + String.format(Locale.ROOT, "%.2f", ReconstructionCheckResult.TARGET_RATIO)
            + " of the checker's pass rate on the originals.");
    report.table(
        List.of("figure", "value"),
        List.of(
            List.of("every object right, originals", percent(check.originalsRight())),
            List.of("every object right, reconstructions", percent(check.reconstructionsRight())),
            List.of(
                "ratio (target ≥ "
                    + String.format(Locale.ROOT, "%.2f", ReconstructionCheckResult.TARGET_RATIO)
                    + ")",
                String.format(Locale.ROOT, "%.3f", check.ratio())
                    + (check.meetsTarget() ? " (met)" : " (not met)")),
            List.of("every object's colour right", percent(check.colourRight())),
            List.of("every object's shape right", percent(check.shapeRight())),
            List.of("codes used", check.codesUsed() + " / " + check.vocabSize()),
            List.of("perplexity", String.format(Locale.ROOT, "%.1f", check.perplexity())),
            List.of("reconstruction MSE", String.format(Locale.ROOT, "%.4f", check.mse()))));
    if (figure) {
      report.figure(
          ReconstructionCheckResult.FIGURE,
          "held-out originals above their reconstructions; a green frame marks a reconstruction"
              + " whose every object has its colour and shape, a red one a reconstruction that"
              + " lost one");
    }
  }

  private static String score(TaskScore score) {
    if (score == null) {
      return "–";
    }
    return percent(score.accuracy()) + " (" + score.passed() + "/" + score.total() + ")";
  }

  private static String percent(Double value) {
    return value == null ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * value);
  }

  private static String format(JsonNode value) {
    if (value == null || value.isNull() || !value.isNumber()) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.3f", value.asDouble());
  }
}
