package org.dalle.jobs.evaluate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dalle.evaluation.compositional.CaptionVerdicts;
import org.dalle.evaluation.compositional.CompositionalResult;
import org.dalle.evaluation.compositional.FactChecks;
import org.dalle.evaluation.compositional.ImageVerdict;
import org.dalle.evaluation.compositional.SampleSet;
import org.dalle.evaluation.compositional.SampleSetScore;
import org.dalle.evaluation.report.HtmlReport;
import org.dalle.pipelines.synthetic.SyntheticSplit;

/**
 * The report's table of every evaluated caption with its reranked top-1 image (paper §2.6) and the
 * compositional checker's verdict on it: the caption, its split (seen: the training split; held
 * out: the split of scenes with a (colour, shape) pair training never showed), each stated fact
 * right or wrong, and which facts failed. The images are the ones {@link SampleSets} wrote beside
 * the report ({@code samples/<set>/<caption id>.png}), linked as thumbnails.
 */
final class CaptionVerdictTable {
  static final String PASS = "✓";
  static final String FAIL = "✗";

  private CaptionVerdictTable() {}

  /**
   * Adds the section for {@code result} to {@code report}, which is written to {@code file}. The
   * images come from the top-1 set, or from the first set when the samples were not reranked.
   */
  static void add(HtmlReport report, Path file, CompositionalResult result) {
    if (result.sets().isEmpty() || result.perCaption().isEmpty()) {
      return;
    }
    List<String> labels = result.sets().stream().map(SampleSetScore::label).toList();
    String label =
        labels.contains(SampleSet.TOP1_RERANKED) ? SampleSet.TOP1_RERANKED : labels.get(0);
    boolean reranked = label.equals(SampleSet.TOP1_RERANKED);
    report.heading(reranked ? "Top-1 image per caption" : "First image per caption");
    List<HtmlReport.ImageRow> rows = new ArrayList<>();
    int[] passed = new int[2]; // seen, held out
    int[] total = new int[2];
    for (CaptionVerdicts caption : result.perCaption()) {
      List<ImageVerdict> verdicts = caption.sets().getOrDefault(label, List.of());
      ImageVerdict verdict = verdicts.isEmpty() ? null : verdicts.get(0);
      int split = SyntheticSplit.HELDOUT.word().equals(caption.split()) ? 1 : 0;
      total[split]++;
      passed[split] += verdict != null && verdict.allFacts() ? 1 : 0;
      rows.add(row(caption, verdict, image(file, label, caption.id()), split == 1));
    }
    report.paragraph(
        (reranked
                ? "The image the reranker put first for each caption"
                : "The first image of each caption (the samples were not reranked)")
            + ", and what the compositional checker reads in it: "
            + PASS
            + " a stated fact that holds on its own, "
            + FAIL
            + " one that does not, blank a fact the caption does not state. Every fact but the"
            + " count needs the right number of objects. Every fact holds for "
            + share(passed[0], total[0])
            + " seen captions and "
            + share(passed[1], total[1])
            + " held-out ones.");
    List<String> headers = new ArrayList<>(List.of("image", "caption", "split"));
    headers.addAll(FactChecks.ORDER);
    headers.add("verdict");
    report.imageTable(headers, rows);
  }

  private static HtmlReport.ImageRow row(
      CaptionVerdicts caption, ImageVerdict verdict, String image, boolean heldOut) {
    List<String> cells = new ArrayList<>();
    cells.add(caption.caption());
    String pairs =
        caption.heldOutPairs().isEmpty()
            ? ""
            : " (" + String.join(", ", caption.heldOutPairs()) + ")";
    cells.add((heldOut ? "held out" : "seen") + pairs);
    for (String fact : FactChecks.ORDER) {
      Boolean holds = verdict == null ? null : verdict.facts().get(fact);
      cells.add(holds == null ? "" : holds ? PASS : FAIL);
    }
    cells.add(verdict(verdict));
    return new HtmlReport.ImageRow(image, caption.caption(), cells);
  }

  /** {@code pass}, or {@code fail:} and the facts that failed. */
  static String verdict(ImageVerdict verdict) {
    if (verdict == null) {
      return "no image";
    }
    if (verdict.allFacts()) {
      return "pass";
    }
    List<String> failed = verdict.failedFacts();
    return failed.isEmpty()
        ? "fail: the facts hold one by one, not together"
        : "fail: " + String.join(", ", failed);
  }

  /** The image's path relative to the report, or null when the set has no file for the caption. */
  private static String image(Path file, String label, String id) {
    String relative = "samples/" + label + "/" + id + ".png";
    return Files.isRegularFile(file.resolveSibling(relative)) ? relative : null;
  }

  private static String share(int passed, int total) {
    return total == 0
        ? "no"
        : String.format(Locale.ROOT, "%d of %d (%.0f%%)", passed, total, 100.0 * passed / total);
  }
}
