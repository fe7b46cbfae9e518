package org.dalle.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.dalle.evaluation.compositional.CaptionVerdicts;
import org.dalle.evaluation.compositional.CompositionalResult;
import org.dalle.evaluation.compositional.ImageVerdict;
import org.dalle.evaluation.compositional.SampleSet;
import org.dalle.evaluation.compositional.SampleSetScore;
import org.dalle.evaluation.compositional.TaskScore;
import org.dalle.jobs.dvae.ReconstructionCheckResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationReportTest {

  private static final ReconstructionCheckResult CHECK =
      new ReconstructionCheckResult(256, 1.0, 0.9, 0.99, 0.91, 180, 512, 85.1, 0.0061);

  @TempDir Path dir;

  private String report(Optional<ReconstructionCheckResult> check) throws IOException {
    return report(null, check);
  }

  private String report(
      CompositionalResult compositional, Optional<ReconstructionCheckResult> check)
      throws IOException {
    JsonNode metrics = new ObjectMapper().readTree("{\"sets\": {}, \"warnings\": []}");
    Path file = dir.resolve(EvaluationJob.REPORT_FILE);
    EvaluationReport.write(
        file, EvaluateConfig.defaults(), metrics, compositional, check, List.of());
    return Files.readString(file);
  }

  private static final ImageVerdict RIGHT =
      verdict(true, Map.of("single_object", true, "colour", true), true, true, true);
  private static final ImageVerdict WRONG_COLOUR =
      verdict(false, Map.of("single_object", true, "colour", false), true, false, true);

  /** A verdict on a single-object caption that states colour and shape. */
  private static ImageVerdict verdict(
      boolean all, Map<String, Boolean> tasks, boolean count, boolean colour, boolean shape) {
    Map<String, Boolean> facts = new LinkedHashMap<>();
    facts.put("count", count);
    facts.put("colour", colour);
    facts.put("shape", shape);
    return new ImageVerdict(all, facts, new TreeMap<>(tasks));
  }

  /**
   * Three captions: a seen one drawn right, a held-out one drawn in the wrong colour, and one
   * without an image file.
   */
  private CompositionalResult compositional(List<String> labels) throws IOException {
    for (String label : labels) {
      Path set = Files.createDirectories(dir.resolve("samples").resolve(label));
      Files.write(set.resolve("c000.png"), new byte[] {1});
      Files.write(set.resolve("c001.png"), new byte[] {1});
    }
    List<CaptionVerdicts> captions =
        List.of(
            caption("c000", "a red circle", "train", List.of(), labels, RIGHT),
            caption("c001", "a blue star", "heldout", List.of("blue star"), labels, WRONG_COLOUR),
            new CaptionVerdicts("c002", "a green square", "train", List.of(), Map.of()));
    List<SampleSetScore> sets = new ArrayList<>();
    for (String label : labels) {
      sets.add(
          new SampleSetScore(
              label, 2, 2, 1, Map.of("colour", TaskScore.of(1, 2)), 0.5, TaskScore.of(1, 2)));
    }
    return new CompositionalResult("captions.jsonl", "samples", 3, 1, sets, captions);
  }

  private static CaptionVerdicts caption(
      String id,
      String text,
      String split,
      List<String> heldOut,
      List<String> labels,
      ImageVerdict verdict) {
    Map<String, List<ImageVerdict>> sets = new LinkedHashMap<>();
    labels.forEach(label -> sets.put(label, List.of(verdict)));
    return new CaptionVerdicts(id, text, split, heldOut, sets);
  }

  @Test
  void showsEachCaptionsTopImageWithTheFactsThatFailed() throws IOException {
    String html =
        report(
            compositional(List.of(SampleSet.TOP1_RERANKED, SampleSet.UNRERANKED)),
            Optional.empty());
    assertTrue(html.contains("<h2>Top-1 image per caption</h2>"), html);
    assertTrue(
        html.contains("Every fact holds for 1 of 2 (50%) seen captions and 0 of 1 (0%) held-out"),
        html);
    assertTrue(
        html.contains(
            "<tr><td><img class=\"thumb\" loading=\"lazy\""
                + " src=\"samples/top1_reranked/c000.png\" alt=\"a red circle\"></td>"
                + "<td>a red circle</td><td>seen</td><td>✓</td><td>✓</td><td>✓</td>"
                + "<td></td><td></td><td></td><td>pass</td></tr>"),
        html);
    assertTrue(
        html.contains(
            "src=\"samples/top1_reranked/c001.png\" alt=\"a blue star\"></td>"
                + "<td>a blue star</td><td>held out (blue star)</td><td>✓</td><td>✗</td>"
                + "<td>✓</td><td></td><td></td><td></td><td>fail: colour</td></tr>"),
        html);
    assertTrue(
        html.contains("<tr><td>–</td><td>a green square</td><td>seen</td>"), "no file, no image");
    assertTrue(html.contains("<td>no image</td>"), html);
    assertFalse(html.contains("samples/unreranked/"), "only the top-1 images are shown");
  }

  @Test
  void showsTheFirstImagesWhenTheSamplesWereNotReranked() throws IOException {
    String html = report(compositional(List.of(SampleSet.UNRERANKED)), Optional.empty());
    assertTrue(html.contains("<h2>First image per caption</h2>"), html);
    assertTrue(html.contains("src=\"samples/unreranked/c001.png\""), html);
    assertEquals(
        "fail: the facts hold one by one, not together",
        CaptionVerdictTable.verdict(verdict(false, Map.of(), true, true, true)));
  }

  @Test
  void showsTheReconstructionCheckAndItsFigure() throws IOException {
    Files.write(dir.resolve(ReconstructionCheckResult.FIGURE), new byte[] {1});
    String html = report(Optional.of(CHECK));
    assertTrue(html.contains("<h2>dVAE reconstruction check</h2>"), html);
    assertTrue(html.contains("256 scenes of the held-out split"), html);
    assertTrue(html.contains("<td>every object right, reconstructions</td><td>90.0%</td>"), html);
    assertTrue(html.contains("<td>0.900 (not met)</td>"), html);
    assertTrue(html.contains("<td>180 / 512</td>"), html);
    assertTrue(html.contains("<img src=\"reconstruction_check.png\""), html);
  }

  @Test
  void leavesTheSectionOutWithoutACheck() throws IOException {
    assertFalse(report(Optional.empty()).contains("reconstruction check"));
    Files.deleteIfExists(dir.resolve(ReconstructionCheckResult.FIGURE));
    assertFalse(
        report(Optional.of(CHECK)).contains(ReconstructionCheckResult.FIGURE),
        "no figure, no image");
  }
}
