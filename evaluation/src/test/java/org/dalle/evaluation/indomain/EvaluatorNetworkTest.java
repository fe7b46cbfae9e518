package org.dalle.evaluation.indomain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.dalle.evaluation.features.FeatureNetwork;
import org.dalle.models.export.PortableExport;
import org.dalle.pipelines.synthetic.SceneMix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorNetworkTest {
  private static final SceneLabels LABELS = SceneLabels.synthetic();
  private static final EvaluatorConfig SMALL = new EvaluatorConfig(16, List.of(4, 8), 1, 12);

  @TempDir Path dir;

  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  @Test
  void exportThenLoadGivesIdenticalOutputs() throws IOException {
    List<BufferedImage> images =
        RenderedScenes.train(4, 0, 6, 32, SceneMix.DEFAULT).stream()
            .map(RenderedScenes.Example::image)
            .toList();
    FeatureNetwork.Outputs before;
    Engine.getInstance().setRandomSeed(3);
    try (NDManager m = Engine.getInstance().newBaseManager()) {
      SceneClassifier model = SceneClassifier.builder().setConfig(SMALL).setClasses(29).build();
      model.initializeParameters(m);
      before = EvaluatorNetwork.wrap(model, LABELS, m).forward(images);
      EvaluatorExport.write(model, LABELS, dir.resolve("export"));
    }
    assertTrue(EvaluatorExport.isComplete(dir.resolve("export")));
    // The portable copy for other tools: safetensors weights and config.json beside them.
    assertTrue(Files.size(dir.resolve("export").resolve(PortableExport.WEIGHTS_FILE)) > 0);
    assertTrue(
        Files.readString(dir.resolve("export").resolve(PortableExport.CONFIG_FILE))
            .contains("\"model_type\" : \"evaluator\""));
    try (EvaluatorNetwork loaded = EvaluatorNetwork.load(dir.resolve("export"))) {
      assertEquals(SMALL, loaded.config());
      assertEquals(LABELS.heads(), loaded.labels().heads());
      assertEquals(List.of("colour", "shape"), loaded.labels().scoreHeads());
      assertTrue(loaded.hasLogits());
      assertTrue(loaded.describe().startsWith("evaluator:"), loaded.describe());
      FeatureNetwork.Outputs after = loaded.forward(images);
      assertEquals(6, after.features().rows());
      assertEquals(12, after.features().columns());
      assertEquals(48, after.logits().columns());
      assertArrayEquals(before.features().values(), after.features().values());
      assertArrayEquals(before.logits().values(), after.logits().values());
      // Logits are joint log-probabilities: each row's probabilities sum to one.
      for (int r = 0; r < 6; r++) {
        double total = 0;
        for (int c = 0; c < 48; c++) {
          total += Math.exp(after.logits().get(r, c));
        }
        assertEquals(1.0, total, 1e-6);
      }
    }
  }

  @Test
  void inputsAreRgbInTheUnitIntervalResizedBilinearly() {
    // 4x4: the left half red, the right half black but for one grey pixel.
    BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 2; x++) {
        image.setRGB(x, y, 0xFF0000);
      }
    }
    image.setRGB(3, 3, 0x333333);
    float[] same = EvaluatorNetwork.input(image, 4);
    assertEquals(1f, same[0]); // red channel, (0, 0)
    assertEquals(0f, same[16]); // green channel, (0, 0)
    assertEquals(0x33 / 255f, same[2 * 16 + 15]); // blue channel, (3, 3)
    // Halving samples at 0.5 and 2.5: the mean of each 2x2 block.
    float[] half = EvaluatorNetwork.input(image, 2);
    assertArrayEquals(
        new float[] {
          1, 0, 1, 0.25f * 0x33 / 255f, 0, 0, 0, 0.25f * 0x33 / 255f, 0, 0, 0, 0.25f * 0x33 / 255f
        },
        half,
        1e-6f);
  }

  @Test
  void imagesOfAnotherSizeAreResizedToTheInputSide() {
    Engine.getInstance().setRandomSeed(4);
    try (NDManager m = Engine.getInstance().newBaseManager()) {
      SceneClassifier model = SceneClassifier.builder().setConfig(SMALL).setClasses(29).build();
      model.initializeParameters(m);
      EvaluatorNetwork network = EvaluatorNetwork.wrap(model, LABELS, m);
      BufferedImage large = RenderedScenes.train(4, 0, 1, 64, SceneMix.DEFAULT).get(0).image();
      FeatureNetwork.Outputs direct = network.forward(List.of(large));
      float[] input = EvaluatorNetwork.input(large, 16);
      assertEquals(3 * 16 * 16, input.length);
      assertArrayEquals(
          direct.features().values(), network.activations(input, 1).features().values());
    }
  }

  @Test
  void missingOrBrokenExportsAreClearErrors() throws IOException {
    assertThrows(NoSuchFileException.class, () -> EvaluatorNetwork.load(dir.resolve("none")));
    Path empty = Files.createDirectories(dir.resolve("empty"));
    IOException missing = assertThrows(IOException.class, () -> EvaluatorNetwork.load(empty));
    assertTrue(missing.getMessage().contains(EvaluatorExport.CONFIG_FILE), missing.getMessage());

    Path export = dir.resolve("export");
    try (NDManager m = Engine.getInstance().newBaseManager()) {
      SceneClassifier model = SceneClassifier.builder().setConfig(SMALL).setClasses(29).build();
      model.initializeParameters(m);
      EvaluatorExport.write(model, LABELS, export);
    }
    byte[] params = Files.readAllBytes(export.resolve(EvaluatorExport.PARAMS_FILE));
    Files.write(
        export.resolve(EvaluatorExport.PARAMS_FILE),
        java.util.Arrays.copyOf(params, params.length / 2));
    IOException truncated = assertThrows(IOException.class, () -> EvaluatorNetwork.load(export));
    assertTrue(
        truncated.getMessage().contains(EvaluatorExport.PARAMS_FILE), truncated.getMessage());

    Files.writeString(
        export.resolve(EvaluatorExport.CONFIG_FILE), "{\"model\": {\"image_size\": 30}}");
    IOException bad = assertThrows(IOException.class, () -> EvaluatorNetwork.load(export));
    assertTrue(bad.getMessage().contains("no buildable evaluator"), bad.getMessage());
  }
}
