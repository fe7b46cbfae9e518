package org.dalle.evaluation.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.dalle.evaluation.metrics.FrechetDistance;
import org.dalle.evaluation.numpy.NpzStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlurSweepScoresTest {

  @TempDir Path dir;

  private Path features(Path images, Path network, String out, List<Double> radii)
      throws IOException {
    FeatureStatisticsPipeline.run(
        new EvalFeaturesConfig(
            "folder:" + images,
            FeatureFixtures.spec(network),
            dir.resolve(out).toString(),
            radii,
            8,
            0,
            2,
            1,
            4),
        FeatureFixtures.directRunner(2),
        false);
    return dir.resolve(out);
  }

  @Test
  void fidAndIsPerRadiusFromTwoStatisticsDirectories() throws IOException {
    Path network = FeatureFixtures.tinyNetwork(dir, true);
    Path reference =
        features(FeatureFixtures.folder(dir, "real", 8, 1), network, "ref", List.of(0.0, 2.0));
    Path generated =
        features(
            FeatureFixtures.folder(dir, "fake", 8, 50), network, "gen", List.of(2.0, 0.0, 4.0));

    BlurSweepScores.Result result = BlurSweepScores.compute(reference, generated);

    assertEquals(2, result.radii().size());
    assertEquals(2.0, result.radii().get(0).radius());
    assertEquals(0.0, result.radii().get(1).radius());
    for (BlurSweepScores.RadiusScores scores : result.radii()) {
      String file = BlurRadii.statisticsFile(scores.radius());
      double expected =
          FrechetDistance.between(
              NpzStatistics.read(reference.resolve(file)),
              NpzStatistics.read(generated.resolve(file)));
      assertEquals(expected, scores.fid(), 1e-12 * expected);
      assertTrue(scores.fid() > 0);
      assertEquals(8, scores.referenceImages());
      assertEquals(8, scores.generatedImages());
      assertTrue(scores.referenceIs().mean().getAsDouble() >= 1.0);
      assertTrue(scores.generatedIs().std().isPresent());
    }
    assertTrue(
        result.warnings().stream().anyMatch(w -> w.contains("radius 4 has no reference")),
        result.warnings().toString());

    BlurSweepScores.Result same = BlurSweepScores.compute(reference, reference);
    assertEquals(0.0, same.radii().get(0).fid(), 1e-9);

    IllegalArgumentException incomplete =
        assertThrows(IllegalArgumentException.class, () -> BlurSweepScores.compute(reference, dir));
    assertTrue(incomplete.getMessage().contains("eval-features"), incomplete.getMessage());
  }
}
