package org.dalle.evaluation.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.dalle.evaluation.blur.PilGaussianBlur;
import org.dalle.evaluation.features.ImageFolderFeatures;
import org.dalle.evaluation.features.TorchScriptFeatureNetwork;
import org.dalle.evaluation.metrics.FeatureMatrix;
import org.dalle.evaluation.metrics.FeatureStatistics;
import org.dalle.evaluation.metrics.InceptionScore;
import org.dalle.evaluation.numpy.NpzStatistics;
import org.dalle.pipelines.image.ImageDecoder;
import org.dalle.pipelines.image.ImageRejectedException;
import org.dalle.schemas.Rejected;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Beam statistics pipeline against a plain loop over the same images ({@link
 * ImageFolderFeatures} and {@link FeatureStatistics}), with the tiny TorchScript networks.
 */
class FeatureStatisticsPipelineTest {
  private static final int SPLITS = 2;

  @TempDir Path dir;

  private EvalFeaturesConfig config(String images, Path network, String out, int batch) {
    return new EvalFeaturesConfig(
        images,
        FeatureFixtures.spec(network),
        dir.resolve(out).toString(),
        List.of(0.0, 2.0),
        batch,
        0,
        SPLITS,
        1,
        4);
  }

  static void assertClose(double[] expected, double[] actual, String what) {
    assertClose(expected, actual, 1e-9, what);
  }

  static void assertClose(double[] expected, double[] actual, double relative, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      double tolerance = relative * Math.abs(expected[i]) + 1e-15;
      assertEquals(expected[i], actual[i], tolerance, what + "[" + i + "]");
    }
  }

  /**
   * With one image per forward pass the network's float32 outputs are bit for bit those of the
   * plain loop, so the statistics must agree to float64 rounding. (PyTorch's kernels for batches of
   * one and of several differ in the last bit of float32, which the batched run below allows.)
   */
  @Test
  void statisticsAndScoresEqualAPlainLoopForEveryRadius()
      throws IOException, ImageRejectedException {
    Path network = FeatureFixtures.tinyNetwork(dir, true);
    Path good = FeatureFixtures.folder(dir, "good", 10, 1);
    Path mixed = FeatureFixtures.folder(dir, "mixed", 10, 1);
    Files.writeString(mixed.resolve("broken.png"), "not a png");
    Files.writeString(mixed.resolve("notes.txt"), "not an image at all");

    FeatureStatisticsSummary summary =
        FeatureStatisticsPipeline.run(
            config("folder:" + mixed, network, "stats", 1), FeatureFixtures.directRunner(2), false);

    assertEquals(11, summary.read());
    assertEquals(10, summary.used());
    assertEquals(java.util.Map.of("features/not_an_image", 1L), summary.rejected());
    Path out = dir.resolve("stats");
    try (TorchScriptFeatureNetwork plain =
        TorchScriptFeatureNetwork.load(network, FeatureFixtures.SIZE)) {
      for (double radius : List.of(0.0, 2.0)) {
        PilGaussianBlur blur = PilGaussianBlur.ofRadius(radius);
        FeatureStatistics expected =
            FeatureStatistics.fromFeatures(
                ImageFolderFeatures.extract(good, plain, blur, 1), false);
        FeatureStatistics actual =
            NpzStatistics.read(out.resolve(BlurRadii.statisticsFile(radius)));
        assertClose(expected.mu(), actual.mu(), "mu at radius " + radius);
        assertClose(expected.sigma(), actual.sigma(), "sigma at radius " + radius);

        InceptionScore.Result score = InceptionScore.of(logits(good, plain, blur), SPLITS);
        JsonNode json =
            new ObjectMapper().readTree(out.resolve(BlurRadii.inceptionScoreFile(radius)).toFile());
        assertEquals(10, json.get("images").asInt());
        assertEquals(score.mean(), json.get("mean").asDouble(), 1e-9 * score.mean());
        assertEquals(score.std(), json.get("std").asDouble(), 1e-9 * score.std() + 1e-15);
        FeatureStatisticsSummary.Radius entry = summary.radii().get(radius == 0 ? 0 : 1);
        assertEquals(10, entry.images());
        assertEquals(4, entry.dimension());
        assertEquals(score.mean(), entry.isMean().getAsDouble(), 1e-9 * score.mean());
      }
    }
    FeatureStatisticsPipeline.run(
        config("folder:" + mixed, network, "batched", 3), FeatureFixtures.directRunner(2), false);
    for (double radius : List.of(0.0, 2.0)) {
      String file = BlurRadii.statisticsFile(radius);
      FeatureStatistics exact = NpzStatistics.read(out.resolve(file));
      FeatureStatistics batched = NpzStatistics.read(dir.resolve("batched").resolve(file));
      assertClose(exact.mu(), batched.mu(), 1e-6, "batched mu");
      assertClose(exact.sigma(), batched.sigma(), 1e-5, "batched sigma");
    }
    List<Rejected> rejected = readRejected(out);
    assertEquals(1, rejected.size());
    assertEquals("broken.png", rejected.get(0).getSourceKey().toString());
    assertEquals("features", rejected.get(0).getStage().toString());
    assertTrue(Files.isRegularFile(out.resolve("summary.json")));
    assertFalse(Files.list(out).anyMatch(p -> p.getFileName().toString().startsWith(".staging")));
  }

  /** Logits of the folder's images in name order, after the blur, one forward pass each. */
  private static FeatureMatrix logits(
      Path folder, TorchScriptFeatureNetwork network, PilGaussianBlur blur)
      throws IOException, ImageRejectedException {
    List<double[]> rows = new ArrayList<>();
    for (Path file : ImageFolderFeatures.imageFiles(folder)) {
      BufferedImage image = new ImageDecoder(1 << 20).decode(Files.readAllBytes(file));
      BufferedImage blurred = blur.isIdentity() ? image : blur.image(image);
      rows.add(network.forward(List.of(blurred)).logits().values());
    }
    return FeatureMatrix.of(rows.toArray(double[][]::new));
  }

  private static List<Rejected> readRejected(Path out) throws IOException {
    List<Rejected> rejected = new ArrayList<>();
    try (var files = Files.list(out.resolve("rejected"))) {
      for (Path file : files.sorted().toList()) {
        try (DataFileReader<Rejected> reader =
            new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(Rejected.class))) {
          reader.forEach(rejected::add);
        }
      }
    }
    return rejected;
  }

  @Test
  void avroRecordsGiveTheSameStatisticsAsTheirFolderAndListsRejectMissingFiles()
      throws IOException {
    Path network = FeatureFixtures.tinyNetwork(dir, false);
    Path folder = FeatureFixtures.folder(dir, "images", 6, 20);
    List<Path> files = ImageFolderFeatures.imageFiles(folder);
    Path avro =
        FeatureFixtures.captionedImages(
            dir.resolve("part-0.avro"),
            files,
            "garbage".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path list =
        Files.writeString(
            folder.resolve("reference_images.txt"),
            "# reference images\n"
                + String.join("\n", files.stream().map(p -> p.getFileName().toString()).toList())
                + "\n\nabsent.png\n");

    FeatureStatisticsSummary fromFolder =
        FeatureStatisticsPipeline.run(
            config(folder.toString(), network, "folder", 2),
            FeatureFixtures.directRunner(1),
            false);
    FeatureStatisticsSummary fromAvro =
        FeatureStatisticsPipeline.run(
            config("avro:" + avro, network, "avro", 5), FeatureFixtures.directRunner(2), false);
    FeatureStatisticsSummary fromList =
        FeatureStatisticsPipeline.run(
            config("list:" + list, network, "list", 4), FeatureFixtures.directRunner(2), false);

    assertEquals(7, fromAvro.read());
    assertEquals(6, fromAvro.used());
    assertEquals(java.util.Map.of("features/not_an_image", 1L), fromAvro.rejected());
    assertEquals(7, fromList.read());
    assertEquals(java.util.Map.of("features/missing_file", 1L), fromList.rejected());
    assertEquals("absent.png", readRejected(dir.resolve("list")).get(0).getSourceKey().toString());
    for (double radius : List.of(0.0, 2.0)) {
      FeatureStatistics expected =
          NpzStatistics.read(dir.resolve("folder").resolve(BlurRadii.statisticsFile(radius)));
      for (String other : List.of("avro", "list")) {
        FeatureStatistics actual =
            NpzStatistics.read(dir.resolve(other).resolve(BlurRadii.statisticsFile(radius)));
        assertClose(expected.mu(), actual.mu(), other + " mu");
        assertClose(expected.sigma(), actual.sigma(), other + " sigma");
      }
    }
    // The network without a classifier head gives no Inception Score.
    assertTrue(fromFolder.radii().get(0).isMean().isEmpty());
    assertFalse(Files.exists(dir.resolve("folder").resolve(BlurRadii.inceptionScoreFile(0))));
  }

  @Test
  void badSettingsFailBeforeAnyWork() throws IOException {
    Path network = FeatureFixtures.tinyNetwork(dir, true);
    Path folder = FeatureFixtures.folder(dir, "few", 1, 3);
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new EvalFeaturesConfig(
                        "folder:" + folder, "onnx:/x.onnx", "", List.of(-1.0), 0, 3, 0, -1, -1)
                    .validate());
    for (String expected :
        List.of(
            "onnx",
            "--out",
            "blur radius",
            "batch size",
            "square size",
            "splits",
            "threads",
            "shuffle buckets")) {
      assertTrue(error.getMessage().contains(expected), expected + " in " + error.getMessage());
    }
    IllegalArgumentException tooFew =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FeatureStatisticsPipeline.run(
                    config("folder:" + folder, network, "few-out", 2),
                    FeatureFixtures.directRunner(1),
                    false));
    assertTrue(tooFew.getMessage().contains("1 of 1 images"), tooFew.getMessage());
    assertFalse(Files.exists(dir.resolve("few-out/summary.json")));
  }
}
