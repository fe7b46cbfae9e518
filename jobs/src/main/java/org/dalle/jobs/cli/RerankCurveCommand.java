package org.dalle.jobs.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dalle.evaluation.compositional.RerankingCurve;
import org.dalle.jobs.evaluate.RerankCurveJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dalle rerank-curve}: top-1 compositional score against the candidates reranked. */
@Command(
    name = "rerank-curve",
    mixinStandardHelpOptions = true,
    header = "How the reranked top-1 image improves with the number of candidates (paper §2.5).",
    sortOptions = false,
    description = {
      "Reads a dalle sample output that kept every candidate with its reranker score (--keep equal to --candidates, with --clip) and the caption facts of the synthetic data (dalle eval-captions --protocol synthetic). Every candidate is judged once by the compositional benchmark's checker. For each pool size N the candidates of a caption are cut, in draw order, into disjoint pools of N; the reranker's best in each pool is its top-1. The figure for N is the share of top-1 images for which every fact of the caption holds, over every pool of every caption (N = 1 is the unreranked score), for all captions, for those with a held-out (colour, shape) pair and for the others, plus the benchmark's overall task score.",
      "Writes --out/reranking_curve.png and then --out/reranking_curve.json (the full per-task scores for every N), and prints the table. benchmarks/rerank-curve runs the whole measurement on the quickstart models.",
      ""
    })
public final class RerankCurveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--samples",
      required = true,
      paramLabel = "DIR",
      description = "The output directory of dalle sample (samples.avro or samples/*.avro).")
  Path samples;

  @Option(
      names = "--captions",
      required = true,
      paramLabel = "FILE",
      description =
          "Caption facts: the captions.jsonl of dalle eval-captions --protocol synthetic (or any"
              + " {\"id\", \"caption\", \"attributes\"} JSONL or CaptionedImage Avro of the"
              + " synthetic data) that the samples were drawn for.")
  Path captions;

  @Option(
      names = "--sizes",
      split = ",",
      paramLabel = "N",
      description =
          "Pool sizes, comma separated, each at most the candidates drawn per caption. Default:"
              + " 1,2,4,8,16,32.")
  List<Integer> sizes = new ArrayList<>(RerankingCurve.DEFAULT_SIZES);

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output directory for reranking_curve.json and reranking_curve.png.")
  Path out;

  @Override
  public Integer call() throws IOException {
    List<Integer> sorted = sizes.stream().distinct().sorted().toList();
    RerankCurveJob.Result result = RerankCurveJob.run(samples, captions, sorted, out);
    PrintWriter printer = spec.commandLine().getOut();
    printer.printf(
        Locale.ROOT,
        "rerank-curve: %d captions (%d with a held-out pair), %d candidates each%n",
        result.captionCount(),
        result.heldOutCaptions(),
        result.candidates());
    printer.print(RerankCurveJob.table(result));
    printer.printf(
        "wrote %s and %s%n",
        out.resolve(RerankCurveJob.CURVE_FILE), out.resolve(RerankCurveJob.CURVE_PLOT));
    return 0;
  }
}
