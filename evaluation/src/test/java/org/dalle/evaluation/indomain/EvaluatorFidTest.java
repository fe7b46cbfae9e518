package org.dalle.evaluation.indomain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.dalle.evaluation.fid.FidConfig;
import org.dalle.evaluation.fid.FidJob;
import org.dalle.evaluation.metrics.FeatureMatrix;
import org.dalle.evaluation.metrics.FeatureStatistics;
import org.dalle.evaluation.metrics.FrechetDistance;
import org.dalle.pipelines.synthetic.SceneMix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dalle fid --features DIR} with an evaluator export measures in the evaluator's features.
 */
class EvaluatorFidTest {
  private static final int BATCH = 5;

  @TempDir Path dir;

  @Test
  void fidJobAcceptsAnEvaluatorExportDirectory() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    Path export = dir.resolve("export");
    Engine.getInstance().setRandomSeed(9);
    try (NDManager m = Engine.getInstance().newBaseManager()) {
      SceneClassifier model =
          SceneClassifier.builder()
              .setConfig(new EvaluatorConfig(16, List.of(4, 8), 1, 6))
              .setClasses(SceneLabels.synthetic().classes())
              .build();
      model.initializeParameters(m);
      EvaluatorExport.write(model, SceneLabels.synthetic(), export);
    }
    List<RenderedScenes.Example> scenes = RenderedScenes.train(8, 0, 24, 32, SceneMix.DEFAULT);
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    for (int i = 0; i < scenes.size(); i++) {
      Path folder = i % 2 == 0 ? a : b;
      ImageIO.write(
          scenes.get(i).image(), "png", folder.resolve(String.format("%03d.png", i)).toFile());
    }
    double fid =
        FidJob.run(
                new FidConfig(
                    a,
                    b,
                    Optional.of(export),
                    299,
                    BATCH,
                    0,
                    false,
                    Optional.empty(),
                    Optional.empty()))
            .fid();
    try (EvaluatorNetwork network = EvaluatorNetwork.load(export)) {
      List<BufferedImage> first =
          scenes.stream()
              .filter(e -> index(e) % 2 == 0)
              .map(RenderedScenes.Example::image)
              .toList();
      List<BufferedImage> second =
          scenes.stream()
              .filter(e -> index(e) % 2 == 1)
              .map(RenderedScenes.Example::image)
              .toList();
      double expected =
          FrechetDistance.between(
              FeatureStatistics.fromFeatures(features(network, first), false),
              FeatureStatistics.fromFeatures(features(network, second), false));
      assertEquals(expected, fid, 1e-9 * Math.max(1, expected));
    }
  }

  /**
   * The features in batches of the job's size: on some CPUs the engine's products round the last
   * bits differently for different batch sizes, and the check here is to 1e-9.
   */
  private static FeatureMatrix features(EvaluatorNetwork network, List<BufferedImage> images) {
    double[] values = null;
    int columns = 0;
    for (int start = 0; start < images.size(); start += BATCH) {
      FeatureMatrix batch =
          network.forward(images.subList(start, Math.min(images.size(), start + BATCH))).features();
      if (values == null) {
        columns = batch.columns();
        values = new double[images.size() * columns];
      }
      System.arraycopy(batch.values(), 0, values, start * columns, batch.values().length);
    }
    return new FeatureMatrix(images.size(), columns, values);
  }

  private static int index(RenderedScenes.Example e) {
    return Integer.parseInt(e.id().substring("train-".length()));
  }
}
