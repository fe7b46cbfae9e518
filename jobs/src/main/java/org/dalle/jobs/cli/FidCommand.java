package org.dalle.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.dalle.evaluation.features.InceptionPreprocessing;
import org.dalle.evaluation.fid.FidConfig;
import org.dalle.evaluation.fid.FidJob;
import org.dalle.evaluation.fid.FidReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dalle fid}: the Fréchet Inception Distance between two sets of images or statistics. */
@Command(
    name = "fid",
    mixinStandardHelpOptions = true,
    header = "The FID between two inputs: .npz statistics, .npy features or folders of images.",
    sortOptions = false,
    description = {
      "Prints the Fréchet Inception Distance ‖μ₁ − μ₂‖² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁Σ₂)^½ between the Gaussians fitted to the features of A and B (float64, covariance with ddof = 1; the trace from eigenvalues with LAPACK), as in section 3.1 of the DALL·E paper.",
      "Each of A and B is an .npz file with arrays mu and sigma (the statistics files pytorch-fid writes, so precomputed reference statistics can be reused), an .npy file of 2-D features (images × dimensions, float32 or float64), or a folder of images (png, jpg, bmp, gif), which needs --features.",
      ""
    })
public final class FidCommand implements Callable<Integer>, ConfiguredJob {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "A", description = "First input: .npz, .npy or folder.")
  Path a;

  @Parameters(index = "1", paramLabel = "B", description = "Second input: .npz, .npy or folder.")
  Path b;

  @Option(
      names = "--features",
      paramLabel = "PATH",
      description =
          "Feature network for folders of images: a TorchScript file, e.g. Inception-v3 with the FID weights pt_inception-2015-12-05 exported as docs/evaluation.md explains (2048-d pool features), or the export/ directory of `dalle train-evaluator` (in-domain features of the synthetic scenes; it resizes images to its own input side and ignores --image-size).")
  Path features;

  @Option(
      names = "--image-size",
      paramLabel = "N",
      defaultValue = "" + InceptionPreprocessing.INCEPTION_SIZE,
      description =
          "Side images are resized to (bilinearly) before a TorchScript network. Default: ${DEFAULT-VALUE}, Inception-v3's.")
  int imageSize;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "50",
      description = "Images per forward pass of the feature network. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--blur",
      paramLabel = "RADIUS",
      defaultValue = "0",
      description =
          "Gaussian blur radius (the standard deviation in pixels, as PIL's GaussianBlur) applied to images from folders before the network, as in figure 9 of the paper; 0 is none. Default: ${DEFAULT-VALUE}.")
  double blur;

  @Option(
      names = "--allow-rank-deficient",
      description =
          "Compute the FID even when an input has fewer images than feature dimensions (the covariance is then rank deficient and the FID biased); a warning is printed.")
  boolean allowRankDeficient;

  @Option(
      names = "--save-stats-a",
      paramLabel = "FILE.npz",
      description = "Also write the statistics of A (mu, sigma) to this .npz file.")
  Path saveA;

  @Option(
      names = "--save-stats-b",
      paramLabel = "FILE.npz",
      description = "Also write the statistics of B (mu, sigma) to this .npz file.")
  Path saveB;

  @Option(names = "--json", description = "Print one JSON object instead of a line of text.")
  boolean json;

  FidConfig resolveConfig() {
    return new FidConfig(
            a,
            b,
            Optional.ofNullable(features),
            imageSize,
            batchSize,
            blur,
            allowRankDeficient,
            Optional.ofNullable(saveA),
            Optional.ofNullable(saveB))
        .validate();
  }

  @Override
  public Object jobConfig() {
    return resolveConfig();
  }

  @Override
  public Integer call() throws IOException {
    FidReport report = FidJob.run(resolveConfig());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(toMap(report)));
    } else {
      for (String warning : report.warnings()) {
        spec.commandLine().getErr().println("dalle fid: warning: " + warning);
      }
      out.println(String.format(Locale.ROOT, "FID: %.6f", report.fid()));
    }
    out.flush();
    return 0;
  }

  private static Map<String, Object> toMap(FidReport report) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("fid", report.fid());
    map.put("a", side(report.a()));
    map.put("b", side(report.b()));
    map.put("blur_radius", report.blurRadius());
    map.put("warnings", report.warnings());
    return map;
  }

  private static Map<String, Object> side(FidReport.Side side) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("path", side.path());
    map.put("kind", side.kind());
    map.put("samples", side.samples().isPresent() ? side.samples().getAsLong() : null);
    map.put("dimension", side.dimension());
    return map;
  }
}
