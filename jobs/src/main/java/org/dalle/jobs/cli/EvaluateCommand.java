package org.dalle.jobs.cli;

import static org.dalle.jobs.cli.CommandSupport.put;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dalle.evaluation.metrics.InceptionScore;
import org.dalle.evaluation.protocols.BlurRadii;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.evaluate.EvaluateConfig;
import org.dalle.jobs.evaluate.EvaluationJob;
import org.dalle.jobs.evaluate.EvaluationSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dalle evaluate}: FID/IS against blur, the compositional benchmark, and a report. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    header = "Evaluate a sampling run: FID and IS against blur, compositional benchmark, report.",
    sortOptions = false,
    description = {
      "Reads the Sample records of a dalle sample output and splits them into the reranked top-1 image per caption (rank 0, when a reranker scored them) and the unreranked first draw (candidate 0). For each set and for the reference images it runs the eval-features pipeline (direct runner) at every --blur radius and computes the FID and the Inception Score per radius, as in the paper's figure 9. With --captions it also scores the compositional benchmark on the synthetic data's ground truth.",
      "Writes --out (staged, then renamed into place): metrics.json (every figure with protocol, radius, image counts, the sampling run's seed and model paths), fid_vs_blur.png, compositional.json (per-task scores of each set, and per caption the checker's verdict on each image: which stated facts hold), samples/<set>/<caption id>.png, grids/ (copied from the sampling run), features/ (the statistics per side and radius), with --dvae-run reconstruction_check.png (copied from the dVAE run), and report.html, which shows them together, with each caption's top-1 image beside its verdict.",
      ""
    })
public final class EvaluateCommand implements Callable<Integer>, ConfiguredJob {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = {
        "A YAML file with any of the settings below in snake_case (samples, reference, features, captions, dvae_run, protocol, blur, square_size, batch_size, splits, out), e.g. configs/evaluate/paper.yaml for MS-COCO-30k or configs/evaluate/cub.yaml for CUB (and their -no-overlap variants); flags override it."
      })
  Path config;

  @Option(
      names = "--samples",
      paramLabel = "DIR",
      description = "The output directory of dalle sample (samples.avro or samples/*.avro).")
  String samples;

  @Option(
      names = "--reference",
      paramLabel = "SPEC",
      description = {
        "The real images: folder:DIR, list:FILE or avro:GLOB as for dalle eval-features (for the synthetic data, e.g. avro:runs/quickstart/data/images/*.avro)."
      })
  String reference;

  @Option(
      names = "--features",
      paramLabel = "SPEC",
      description = {
        "The feature network: torchscript:PATH[@SIZE] (Inception-v3 for MS-COCO and CUB) or evaluator:DIR (the export of dalle train-evaluator, for the synthetic data)."
      })
  String features;

  @Option(
      names = "--captions",
      paramLabel = "FILE",
      description = {
        "Caption facts for the compositional benchmark: a .jsonl of {\"id\", \"caption\", \"attributes\"} or the synthetic data's CaptionedImage Avro (file or directory). Leave out for datasets without ground-truth attributes."
      })
  String captions;

  @Option(
      names = "--dvae-run",
      paramLabel = "DIR",
      description = {
        "The run directory of dalle train-dvae whose reconstruction check (reconstruction_check.json and .png, written on synthetic data) the report shows. Leave out to show none."
      })
  String dvaeRun;

  @Option(
      names = "--protocol",
      paramLabel = "NAME",
      description = "A name for the figures in metrics.json. Default: custom.")
  String protocol;

  @Option(
      names = "--blur",
      paramLabel = "R,R,…",
      description =
          "Gaussian blur radii, comma-separated. Default: " + BlurRadii.DEFAULT + " (the paper).")
  String blur;

  @Option(
      names = "--square-size",
      paramLabel = "N",
      description = {
        "Resize and centre-crop both sides to N × N before the blur; 0 keeps the images as they are (right when real images and samples already share a size, as in the synthetic data). Default: 0."
      })
  Integer squareSize;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description = "Images per forward pass of the feature network. Default: 32.")
  Integer batchSize;

  @Option(
      names = "--splits",
      paramLabel = "N",
      description = "Parts of the Inception Score. Default: " + InceptionScore.DEFAULT_SPLITS + ".")
  Integer splits;

  @Option(names = "--out", paramLabel = "DIR", description = "Report directory.")
  String out;

  @Option(names = "--overwrite", description = "Replace an existing report directory.")
  boolean overwrite;

  /** The resolved config: defaults, then --config, then flags. */
  EvaluateConfig resolveConfig() {
    Map<String, Object> o = new LinkedHashMap<>();
    put(o, "samples", samples);
    put(o, "reference", reference);
    put(o, "features", features);
    put(o, "captions", captions);
    put(o, "dvae_run", dvaeRun);
    put(o, "protocol", protocol);
    put(o, "blur", blur == null ? null : BlurRadii.parse(blur));
    put(o, "square_size", squareSize);
    put(o, "batch_size", batchSize);
    put(o, "splits", splits);
    put(o, "out", out);
    return ConfigLoader.load(EvaluateConfig.class, EvaluateConfig.defaults(), config, o).validate();
  }

  @Override
  public Object jobConfig() {
    return resolveConfig();
  }

  @Override
  public Integer call() throws IOException {
    EvaluationJob.Result result = EvaluationJob.run(resolveConfig(), overwrite);
    EvaluationSummary.print(result, System.out);
    return 0;
  }
}
