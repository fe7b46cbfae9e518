package org.dalle.evaluation.fid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.dalle.evaluation.metrics.FeatureStatistics;
import org.dalle.evaluation.numpy.NpyArray;
import org.dalle.evaluation.numpy.NpyFormat;
import org.dalle.evaluation.numpy.NpzStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FidJobTest {
  private static FidConfig config(Path a, Path b) {
    return new FidConfig(
        a, b, Optional.empty(), 299, 50, 0, false, Optional.empty(), Optional.empty());
  }

  private static Path npy(Path file, int rows, int columns, double... values) throws IOException {
    return Files.write(file, NpyFormat.toBytes(new NpyArray(new int[] {rows, columns}, values)));
  }

  @Test
  void featuresAgainstStatisticsGiveTheClosedFormDistanceAndCanBeSaved(@TempDir Path dir)
      throws IOException {
    Path x = npy(dir.resolve("x.npy"), 4, 2, 0, 0, 1, 0, 0, 1, 1, 1);
    Path y = npy(dir.resolve("y.npy"), 4, 2, 1, 1, 3, 1, 1, 3, 3, 3); // 2x + 1
    FidConfig config =
        new FidConfig(
            x,
            y,
            Optional.empty(),
            299,
            50,
            0,
            false,
            Optional.empty(),
            Optional.of(dir.resolve("y.npz")));
    FidReport report = FidJob.run(config);
    assertEquals(31.0 / 6, report.fid(), 1e-9 * 31 / 6);
    assertEquals("features", report.a().kind());
    assertEquals(4, report.a().samples().getAsLong());
    assertEquals(2, report.a().dimension());

    FidReport fromSaved = FidJob.run(config(x, dir.resolve("y.npz")));
    assertEquals("statistics", fromSaved.b().kind());
    assertTrue(fromSaved.b().samples().isEmpty());
    assertEquals(31.0 / 6, fromSaved.fid(), 1e-9 * 31 / 6);
  }

  @Test
  void fewerSamplesThanDimensionsIsAnErrorUnlessAllowedThenAWarning(@TempDir Path dir)
      throws IOException {
    Path x = npy(dir.resolve("x.npy"), 2, 3, 0, 0, 1, 1, 0, 0);
    Path y = dir.resolve("y.npz");
    NpzStatistics.write(
        y, FeatureStatistics.of(new double[3], new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}));
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> FidJob.run(config(x, y)));
    assertTrue(error.getMessage().contains("--allow-rank-deficient"), error.getMessage());
    FidReport report =
        FidJob.run(
            new FidConfig(
                x, y, Optional.empty(), 299, 50, 0, true, Optional.empty(), Optional.empty()));
    assertEquals(1, report.warnings().size());
    assertTrue(report.warnings().get(0).contains("rank deficient"));
  }

  @Test
  void imageFoldersGoThroughTheFeatureNetwork(@TempDir Path dir) throws IOException {
    Path net = dir.resolve("net.pt");
    try (InputStream in =
        FidJobTest.class.getResourceAsStream(
            "/org/dalle/evaluation/features/tiny_feature_net.pt")) {
      Files.write(net, in.readAllBytes());
    }
    Path folder = Files.createDirectory(dir.resolve("images"));
    for (int i = 0; i < 6; i++) {
      BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
      for (int p = 0; p < 64; p++) {
        image.setRGB(p % 8, p / 8, (p * 4 + i * 37) << 16 | (i * 40) << 8 | (255 - p * 3));
      }
      ImageIO.write(image, "png", folder.resolve(i + ".png").toFile());
    }
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> FidJob.run(config(folder, folder)));
    assertTrue(error.getMessage().contains("--features"), error.getMessage());

    FidConfig withNetwork =
        new FidConfig(
            folder,
            folder,
            Optional.of(net),
            16,
            4,
            0,
            false,
            Optional.of(dir.resolve("a.npz")),
            Optional.empty());
    FidReport same = FidJob.run(withNetwork);
    assertEquals(0.0, same.fid(), 1e-9);
    assertEquals("images", same.a().kind());
    assertEquals(6, same.a().samples().getAsLong());
    assertEquals(4, same.a().dimension());

    FidReport blurred =
        FidJob.run(
            new FidConfig(
                folder,
                dir.resolve("a.npz"),
                Optional.of(net),
                16,
                4,
                3,
                false,
                Optional.empty(),
                Optional.empty()));
    assertTrue(blurred.fid() > 1e-6, "blurring the folder moves its statistics: " + blurred);
  }

  @Test
  void unknownInputsAreNamed(@TempDir Path dir) throws IOException {
    Path text = Files.writeString(dir.resolve("stats.txt"), "x");
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> FidJob.run(config(text, text)));
    assertTrue(error.getMessage().contains("stats.txt is not an .npz"), error.getMessage());
    Path missing = dir.resolve("missing.npz");
    error = assertThrows(IllegalArgumentException.class, () -> FidJob.run(config(missing, text)));
    assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
  }
}
