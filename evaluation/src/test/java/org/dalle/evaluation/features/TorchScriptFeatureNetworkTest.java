package org.dalle.evaluation.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.dalle.evaluation.blur.PilGaussianBlur;
import org.dalle.evaluation.metrics.FeatureMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads tiny_feature_net.pt (written by make_tiny_feature_net.py beside it: a 1×1 convolution with
 * known weights, ReLU and a global average pool, returning (N, 4, 1, 1)) and checks its features
 * against the same computation done here on the preprocessed input.
 */
class TorchScriptFeatureNetworkTest {
  private static final double[][] WEIGHT = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, -1, 0.5}};
  private static final double[] BIAS = {0, 0.1, -0.2, 0.3};
  private static final int SIZE = 11;

  static Path tinyNetwork(Path dir) throws IOException {
    Path file = dir.resolve("tiny_feature_net.pt");
    try (InputStream in =
        TorchScriptFeatureNetworkTest.class.getResourceAsStream("tiny_feature_net.pt")) {
      Files.write(file, in.readAllBytes());
    }
    return file;
  }

  /** mean over pixels of relu(W x + b), with x the preprocessed input. */
  private static double[] expectedFeatures(BufferedImage image) {
    float[] input = InceptionPreprocessing.toInput(image, SIZE);
    int pixels = SIZE * SIZE;
    double[] features = new double[4];
    for (int p = 0; p < pixels; p++) {
      for (int c = 0; c < 4; c++) {
        double z = BIAS[c];
        for (int k = 0; k < 3; k++) {
          z += WEIGHT[c][k] * input[k * pixels + p];
        }
        features[c] += Math.max(0, z) / pixels;
      }
    }
    return features;
  }

  private static BufferedImage gradient(int width, int height, int seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (x * 255 / Math.max(1, width - 1) + seed * 40) & 0xff;
        int g = (y * 255 / Math.max(1, height - 1)) & 0xff;
        int b = ((x + y) * 17 + seed * 90) & 0xff;
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  @Test
  void featuresMatchTheHandComputedNetworkOnResizedInputs(@TempDir Path dir) throws IOException {
    List<BufferedImage> images =
        List.of(gradient(7, 5, 0), gradient(20, 30, 1), gradient(11, 11, 2));
    try (TorchScriptFeatureNetwork network =
        TorchScriptFeatureNetwork.load(tinyNetwork(dir), SIZE)) {
      FeatureMatrix features = network.features(images);
      assertEquals(3, features.rows());
      assertEquals(4, features.columns());
      for (int i = 0; i < images.size(); i++) {
        double[] expected = expectedFeatures(images.get(i));
        for (int c = 0; c < 4; c++) {
          assertEquals(expected[c], features.get(i, c), 1e-5, "image " + i + " feature " + c);
        }
      }
    }
  }

  @Test
  void aFolderIsReadInNameOrderInBatchesAndTheSameAsOneBatch(@TempDir Path dir) throws IOException {
    Path folder = Files.createDirectory(dir.resolve("images"));
    for (int i = 0; i < 5; i++) {
      ImageIO.write(gradient(9 + i, 8, i), "png", folder.resolve("img" + i + ".png").toFile());
    }
    Files.writeString(folder.resolve("notes.txt"), "not an image");
    try (TorchScriptFeatureNetwork network =
        TorchScriptFeatureNetwork.load(tinyNetwork(dir), SIZE)) {
      FeatureMatrix inTwos =
          ImageFolderFeatures.extract(folder, network, PilGaussianBlur.ofRadius(0), 2);
      FeatureMatrix inOne =
          ImageFolderFeatures.extract(folder, network, PilGaussianBlur.ofRadius(0), 5);
      assertEquals(5, inTwos.rows());
      for (int i = 0; i < 5; i++) {
        double[] expected = expectedFeatures(gradient(9 + i, 8, i));
        for (int c = 0; c < 4; c++) {
          assertEquals(expected[c], inTwos.get(i, c), 1e-5);
          assertEquals(inOne.get(i, c), inTwos.get(i, c), 1e-6);
        }
      }
      FeatureMatrix blurred =
          ImageFolderFeatures.extract(folder, network, PilGaussianBlur.ofRadius(2), 5);
      assertTrue(Math.abs(blurred.get(0, 3) - inOne.get(0, 3)) > 1e-4, "the blur changes features");
    }
  }

  @Test
  void missingOrBrokenFilesGiveClearErrors(@TempDir Path dir) throws IOException {
    assertThrows(
        NoSuchFileException.class,
        () -> TorchScriptFeatureNetwork.load(dir.resolve("absent.pt"), 299));
    Path notAModel = Files.writeString(dir.resolve("broken.pt"), "not a model");
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class, () -> TorchScriptFeatureNetwork.load(notAModel, 299));
    assertTrue(error.getMessage().contains("broken.pt"), error.getMessage());

    Path empty = Files.createDirectory(dir.resolve("empty"));
    try (TorchScriptFeatureNetwork network =
        TorchScriptFeatureNetwork.load(tinyNetwork(dir), SIZE)) {
      error =
          assertThrows(
              IllegalArgumentException.class,
              () -> ImageFolderFeatures.extract(empty, network, PilGaussianBlur.ofRadius(0), 4));
      assertTrue(error.getMessage().contains("no image files"), error.getMessage());
      Files.writeString(empty.resolve("bad.png"), "garbage");
      error =
          assertThrows(
              IllegalArgumentException.class,
              () -> ImageFolderFeatures.extract(empty, network, PilGaussianBlur.ofRadius(0), 4));
      assertTrue(error.getMessage().contains("bad.png"), error.getMessage());
    }
  }
}
