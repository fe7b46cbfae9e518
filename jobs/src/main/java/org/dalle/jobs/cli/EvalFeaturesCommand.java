package org.dalle.jobs.cli;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dalle.evaluation.metrics.InceptionScore;
import org.dalle.evaluation.protocols.BlurRadii;
import org.dalle.evaluation.protocols.EvalFeaturesConfig;
import org.dalle.evaluation.protocols.FeatureStatisticsPipeline;
import org.dalle.evaluation.protocols.FeatureStatisticsSummary;
import org.dalle.pipelines.io.StagedRun;
import org.dalle.pipelines.options.DallePipelineOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dalle eval-features}: FID statistics and Inception Scores per blur radius (Beam). */
@Command(
    name = "eval-features",
    header = "FID statistics and Inception Scores of a set of images at every blur radius (Beam).",
    sortOptions = false,
    description = {
      "Blurs every image with a Gaussian filter of each --blur radius (the standard deviation in pixels, as PIL's GaussianBlur; the paper's figure 9 uses 0 to 8 on both real images and samples), puts the blurred images through the feature network in batches (loaded once per worker) and combines, per radius, the count, mean and covariance of the features in float64 (covariance ddof = 1, merged across workers) and the Inception Score over the logits sorted by image key.",
      "Writes to --out, staged and committed together: stats_r<r>.npz (mu, sigma in pytorch-fid's layout, usable with dalle fid), is_r<r>.json (when the network returns logits), rejected/*.avro (images that could not be decoded or listed files that do not exist, with the reason) and summary.json (read = used + rejected, and per radius the image count and scores), written last.",
      "Run it once for the reference images and once for the samples with the same --features and --blur; the FID per radius compares the two outputs.",
      ""
    })
public final class EvalFeaturesCommand implements Callable<Integer>, ConfiguredJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvalFeaturesCommand.class);

  @Option(
      names = "--images",
      required = true,
      paramLabel = "SPEC",
      description = {
        "The images: folder:DIR (image files directly in DIR), list:FILE (one image path per line, e.g. reference_images.txt of dalle eval-captions; relative paths are relative to FILE) or avro:GLOB (records with an image_png field, e.g. a prepare output's images/*.avro). A local directory, a .txt or an .avro path may be given without the prefix."
      })
  String images;

  @Option(
      names = "--features",
      required = true,
      paramLabel = "SPEC",
      description = {
        "The feature network: torchscript:PATH[@SIZE], a TorchScript module returning features or (features, logits), inputs resized to SIZE (default 299), e.g. Inception-v3 with the FID weights pt_inception-2015-12-05 exported as docs/evaluation.md explains. PATH may be gs://."
      })
  String features;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output directory (local or gs://).")
  String out;

  @Option(
      names = "--blur",
      paramLabel = "R,R,…",
      defaultValue = BlurRadii.DEFAULT,
      description = "Gaussian blur radii, comma-separated. Default: ${DEFAULT-VALUE} (the paper).")
  String blur;

  @Option(
      names = "--square-size",
      paramLabel = "N",
      defaultValue = "256",
      description = {
        "Resize the shorter side to N and centre-crop to N × N (as dalle prepare does) before the blur, so real photographs and the model's samples are blurred at the same scale; 0 keeps the images as they are. Default: ${DEFAULT-VALUE}, the paper's sample size."
      })
  int squareSize;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "32",
      description = "Images per forward pass of the network. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--splits",
      paramLabel = "N",
      defaultValue = "" + InceptionScore.DEFAULT_SPLITS,
      description =
          "Parts of the Inception Score (mean and std over them). Default: ${DEFAULT-VALUE}.")
  int splits;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "1",
      description = {
        "PyTorch intra-op threads per worker JVM; 0 keeps the engine's default (all cores). The runner already processes one bundle per core, so 1 avoids cores × cores threads. Default: ${DEFAULT-VALUE}."
      })
  int threads;

  @Option(
      names = "--shuffle-buckets",
      paramLabel = "N",
      defaultValue = "64",
      description = {
        "Random keys the image paths are spread over before they are read (0: one per image); bounds the parallelism, so use a few times the number of worker threads. Default: ${DEFAULT-VALUE}."
      })
  int shuffleBuckets;

  @Option(names = "--overwrite", description = "Replace a complete output already in --out.")
  boolean overwrite;

  @Mixin RunnerOptions runner = new RunnerOptions();

  EvalFeaturesConfig resolveConfig() {
    return new EvalFeaturesConfig(
            images,
            features,
            out,
            BlurRadii.parse(blur),
            batchSize,
            squareSize,
            splits,
            threads,
            shuffleBuckets)
        .validate();
  }

  /** The config, once Beam has read the pipeline options: the job checks both before any work. */
  @Override
  public Object jobConfig() {
    runner.toPipelineOptions();
    return resolveConfig();
  }

  @Override
  public Integer call() throws IOException {
    DallePipelineOptions options = runner.toPipelineOptions();
    EvalFeaturesConfig config = resolveConfig();
    if (StagedRun.createsTemplate(options)) {
      // A Flex Template launch: the job runs on Dataflow after this process exits and commits
      // its own output.
      FeatureStatisticsPipeline.launch(config, options, overwrite);
      return 0;
    }
    FeatureStatisticsSummary summary = FeatureStatisticsPipeline.run(config, options, overwrite);
    System.out.printf(
        "eval-features: done. %d images read, %d used, %d rejected (rejected/*.avro says why).%n",
        summary.read(), summary.used(), summary.rejectedTotal());
    for (FeatureStatisticsSummary.Radius radius : summary.radii()) {
      System.out.printf(
          Locale.ROOT,
          "  radius %-4s %s%s%n",
          BlurRadii.label(radius.radius()),
          radius.statistics(),
          radius.isMean().isPresent()
              ? String.format(
                  Locale.ROOT,
                  "  IS %.4f ± %.4f",
                  radius.isMean().getAsDouble(),
                  radius.isStd().getAsDouble())
              : "");
    }
    for (String warning : summary.warnings()) {
      LOG.warn(warning);
    }
    System.out.println("  outputs: " + config.out() + " (summary.json)");
    return 0;
  }
}
