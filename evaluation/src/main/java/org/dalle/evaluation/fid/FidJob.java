package org.dalle.evaluation.fid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dalle.evaluation.blur.PilGaussianBlur;
import org.dalle.evaluation.features.FeatureNetwork;
import org.dalle.evaluation.features.ImageFolderFeatures;
import org.dalle.evaluation.features.TorchScriptFeatureNetwork;
import org.dalle.evaluation.indomain.EvaluatorNetwork;
import org.dalle.evaluation.metrics.FeatureMatrix;
import org.dalle.evaluation.metrics.FeatureStatistics;
import org.dalle.evaluation.metrics.FrechetDistance;
import org.dalle.evaluation.numpy.NpyFeatures;
import org.dalle.evaluation.numpy.NpzStatistics;

/**
 * The {@code dalle fid} job: statistics of both inputs (read, or computed from features, or from
 * images through the feature network after an optional blur), then the Fréchet distance between
 * them (DALL·E paper, section 3.1).
 */
public final class FidJob {
  private FidJob() {}

  /**
   * @throws IllegalArgumentException for inputs that cannot be compared (see the message)
   */
  public static FidReport run(FidConfig config) throws IOException {
    config.validate();
    FidInput a = FidInput.of(config.a());
    FidInput b = FidInput.of(config.b());
    boolean needsNetwork = a.kind() == FidInput.Kind.IMAGES || b.kind() == FidInput.Kind.IMAGES;
    if (needsNetwork && config.features().isEmpty()) {
      throw new IllegalArgumentException(
          (a.kind() == FidInput.Kind.IMAGES ? a.path() : b.path())
              + " is a folder of images; give --features PATH to a TorchScript feature network"
              + " (docs/evaluation.md explains how to export Inception-v3) or to the export directory of"
              + " `dalle train-evaluator`");
    }
    List<String> warnings = new ArrayList<>();
    PilGaussianBlur blur = PilGaussianBlur.ofRadius(config.blurRadius());
    FeatureNetwork network = needsNetwork ? open(config.features().get(), config) : null;
    try {
      FeatureStatistics first = statistics(a, network, blur, config, warnings, config.saveA());
      FeatureStatistics second = statistics(b, network, blur, config, warnings, config.saveB());
      double fid = FrechetDistance.between(first, second);
      return new FidReport(
          fid, side(a, first), side(b, second), config.blurRadius(), List.copyOf(warnings));
    } finally {
      if (network != null) {
        network.close();
      }
    }
  }

  /**
   * A directory is the export of {@code dalle train-evaluator} (the in-domain network, which
   * resizes to its own input side); a file is a TorchScript network fed {@code inputSize} inputs.
   */
  private static FeatureNetwork open(Path features, FidConfig config) throws IOException {
    return Files.isDirectory(features)
        ? EvaluatorNetwork.load(features)
        : TorchScriptFeatureNetwork.load(features, config.inputSize());
  }

  private static FeatureStatistics statistics(
      FidInput input,
      FeatureNetwork network,
      PilGaussianBlur blur,
      FidConfig config,
      List<String> warnings,
      Optional<Path> save)
      throws IOException {
    FeatureStatistics statistics;
    if (input.kind() == FidInput.Kind.STATISTICS) {
      statistics = NpzStatistics.read(input.path());
    } else {
      FeatureMatrix features =
          input.kind() == FidInput.Kind.FEATURES
              ? NpyFeatures.read(input.path())
              : ImageFolderFeatures.extract(input.path(), network, blur, config.batchSize());
      try {
        statistics = FeatureStatistics.fromFeatures(features, config.allowRankDeficient());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            input.path()
                + ": "
                + e.getMessage()
                + (e.getMessage().contains("rank deficient")
                    ? " (--allow-rank-deficient computes it anyway)"
                    : ""),
            e);
      }
      if (statistics.isRankDeficient()) {
        warnings.add(
            input.path()
                + ": "
                + FeatureStatistics.rankDeficiencyMessage(
                    statistics.sampleCount().getAsLong(), statistics.dimension()));
      }
    }
    if (save.isPresent()) {
      NpzStatistics.write(save.get(), statistics);
    }
    return statistics;
  }

  private static FidReport.Side side(FidInput input, FeatureStatistics statistics) {
    return new FidReport.Side(
        input.path().toString(),
        input.kindName(),
        statistics.sampleCount(),
        statistics.dimension());
  }
}
