package org.dalle.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.models.transformer.SamplingOptions;
import org.dalle.pipelines.encode.ImagePixels;
import org.dalle.pipelines.image.RgbConverter;
import org.dalle.pipelines.image.SquareResizer;
import org.dalle.schemas.Sample;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionSamplerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<SampleCaption> CAPTIONS =
      List.of(SampleCaption.ofText("A red circle"), new SampleCaption("c-2", "red"));

  @TempDir static Path models;
  static SampleFixtures.Models exports;
  static Path prefix;
  @TempDir Path dir;

  @BeforeAll
  static void writeModels() throws IOException {
    exports = SampleFixtures.writeModels(models);
    BufferedImage image = new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(2, 0, 16, 8);
    g.dispose();
    prefix = models.resolve("prefix.png");
    ImageIO.write(image, "png", prefix.toFile());
  }

  private static SampleConfig config(Path out, int n, int k, int batch, long seed) {
    return config(out, n, k, batch, seed, null, 0);
  }

  private static SampleConfig config(
      Path out, int n, int k, int batch, long seed, String prefixImage, int keepRows) {
    return new SampleConfig(
        exports.transformer().toString(),
        exports.dvae().toString(),
        null,
        "test",
        CAPTIONS,
        out.toString(),
        n,
        k,
        batch,
        SamplingOptions.paper(),
        seed,
        prefixImage,
        keepRows);
  }

  @Test
  void keepsTheBestKOfNByTheRerankerAndWritesEveryOutput() throws IOException {
    Path all = dir.resolve("all");
    SampleFixtures.Redness scorer = new SampleFixtures.Redness();
    CaptionSampler.run(config(all, 4, 4, 3, 1), scorer, false);
    Path best = dir.resolve("best");
    CaptionSampler.Result result =
        CaptionSampler.run(config(best, 4, 2, 3, 1), new SampleFixtures.Redness(), false);
    assertEquals(4, result.images());
    assertEquals(3, scorer.calls, "8 candidates scored in batches of 3");

    List<Sample> ranked = SampleFixtures.readSamples(all.resolve(SampleOutput.SAMPLES));
    List<Sample> kept = SampleFixtures.readSamples(best.resolve(SampleOutput.SAMPLES));
    assertEquals(8, ranked.size());
    assertEquals(4, kept.size());
    for (int c = 0; c < 2; c++) {
      List<Sample> caption = ranked.subList(4 * c, 4 * c + 4);
      assertEquals(
          List.of(0, 1, 2, 3), caption.stream().map(Sample::getCandidate).sorted().toList());
      for (int r = 0; r < 4; r++) {
        Sample s = caption.get(r);
        assertEquals(CAPTIONS.get(c).id(), s.getCaptionId());
        assertEquals(CAPTIONS.get(c).caption(), s.getCaption());
        assertEquals(r, s.getRank());
        assertEquals(SampleFixtures.rednessOf(s), s.getScore(), "the score of the PNG's pixels");
        assertEquals(
            CandidateSeeds.of(1, s.getCaptionId(), s.getCandidate()), s.getCandidateSeed());
        assertEquals(16, s.getImageTokens().size());
        assertEquals(4, s.getGridSize());
        assertEquals(4, s.getCandidates());
        if (r > 0) {
          Sample before = caption.get(r - 1);
          assertTrue(
              before.getScore() > s.getScore()
                  || before.getScore().equals(s.getScore())
                      && before.getCandidate() < s.getCandidate(),
              "ranked by score, then candidate");
        }
      }
      // Keeping 2 of the same 4 candidates keeps the 2 best.
      assertEquals(caption.subList(0, 2), kept.subList(2 * c, 2 * c + 2));
    }

    String id = SampleOutput.safeName(CAPTIONS.get(0).id());
    assertArrayEquals(
        bytes(kept.get(0)), Files.readAllBytes(best.resolve("images/" + id + "/0.png")));
    assertArrayEquals(bytes(kept.get(3)), Files.readAllBytes(best.resolve("images/c-2/1.png")));
    BufferedImage grid = ImageIO.read(best.resolve("grids/c001.png").toFile());
    assertTrue(grid.getWidth() > 2 * 96, "two upscaled samples and a label");
    BufferedImage overview = ImageIO.read(best.resolve("grids/all.png").toFile());
    assertTrue(overview.getWidth() >= grid.getWidth(), "the rows of every caption, labelled");
    assertTrue(overview.getHeight() > 2 * 96, "one row per caption");
    JsonNode sidecar = JSON.readTree(best.resolve("grids/c001.json").toFile());
    assertEquals("c-2", sidecar.get("caption_id").asText());
    assertEquals(kept.get(2).getCandidate(), sidecar.get("ranks").get(0).get("candidate").asInt());
    assertEquals(kept.get(3).getScore(), sidecar.get("ranks").get(1).get("score").floatValue());
    JsonNode manifest = JSON.readTree(best.resolve(SampleOutput.MANIFEST).toFile());
    assertEquals("redness test double", manifest.at("/models/reranker").asText());
    assertEquals(exports.transformer().toString(), manifest.at("/models/transformer").asText());
    assertEquals(4, manifest.at("/settings/candidates").asInt());
    assertEquals(2, manifest.at("/settings/keep").asInt());
    assertEquals(1, manifest.at("/settings/seed").asLong());
    assertEquals(4, manifest.get("images").asInt());
    try (Stream<Path> siblings = Files.list(dir)) {
      assertEquals(2, siblings.count(), "no staging directory is left behind");
    }
  }

  @Test
  void theSameSeedGivesTheSameSamplesWhateverTheBatchSize() throws IOException {
    List<Sample> reference = null;
    for (int batch : new int[] {1, 3, 8}) {
      Path out = dir.resolve("b" + batch);
      CaptionSampler.run(config(out, 4, 3, batch, 7), new SampleFixtures.Redness(), false);
      List<Sample> samples = SampleFixtures.readSamples(out.resolve(SampleOutput.SAMPLES));
      if (reference == null) {
        reference = samples;
      } else {
        assertEquals(reference, samples, "batch size " + batch);
      }
    }
    Path other = dir.resolve("seed8");
    CaptionSampler.run(config(other, 4, 3, 8, 8), new SampleFixtures.Redness(), false);
    assertNotEquals(
        tokens(reference),
        tokens(SampleFixtures.readSamples(other.resolve(SampleOutput.SAMPLES))),
        "another seed draws other images");

    Path out = dir.resolve("b1");
    IllegalStateException exists =
        assertThrows(
            IllegalStateException.class,
            () -> CaptionSampler.run(config(out, 4, 3, 1, 7), new SampleFixtures.Redness(), false));
    assertTrue(exists.getMessage().contains("--overwrite"));
  }

  @Test
  void withoutARerankerEveryCandidateIsKeptUnscoredInOrder() throws IOException {
    Path out = dir.resolve("plain");
    CaptionSampler.run(config(out, 3, 3, 4, 1), null, false);
    List<Sample> samples = SampleFixtures.readSamples(out.resolve(SampleOutput.SAMPLES));
    assertEquals(6, samples.size());
    for (int i = 0; i < 6; i++) {
      assertNull(samples.get(i).getScore());
      assertEquals(i % 3, samples.get(i).getRank());
      assertEquals(i % 3, samples.get(i).getCandidate());
    }
    JsonNode sidecar = JSON.readTree(out.resolve("grids/c000.json").toFile());
    assertTrue(sidecar.get("ranks").get(0).get("score").isNull());
    assertTrue(
        JSON.readTree(out.resolve(SampleOutput.MANIFEST).toFile()).at("/models/reranker").isNull());
    // The unscored candidates are the reranked job's candidates: same seeds, same images.
    Path reranked = dir.resolve("reranked");
    CaptionSampler.run(config(reranked, 3, 3, 2, 1), new SampleFixtures.Redness(), false);
    for (Sample s : SampleFixtures.readSamples(reranked.resolve(SampleOutput.SAMPLES))) {
      Sample same = samples.get(3 * CAPTIONS.indexOf(caption(s)) + s.getCandidate());
      assertEquals(same.getImageTokens(), s.getImageTokens());
    }

    IllegalArgumentException noReranker =
        assertThrows(
            IllegalArgumentException.class,
            () -> CaptionSampler.run(config(dir.resolve("x"), 3, 2, 4, 1), null, false));
    assertTrue(
        noReranker.getMessage().contains("--keep 2 of --candidates 3"), noReranker.getMessage());
    IllegalArgumentException tooMany =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptionSampler.run(
                    config(dir.resolve("x"), 3, 4, 4, 1), new SampleFixtures.Redness(), false));
    assertTrue(tooMany.getMessage().contains("--keep is 4; expected 1..3"), tooMany.getMessage());
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void prefixImageRowsAreKept() throws IOException {
    Path out = dir.resolve("out");
    CaptionSampler.run(config(out, 3, 3, 4, 3, prefix.toString(), 2), null, false);
    long[] expected;
    try (NDManager manager = NDManager.newBaseManager()) {
      DiscreteVae vae = DvaeExport.read(exports.dvae(), manager);
      BufferedImage square =
          SquareResizer.resizeAndCenterCrop(RgbConverter.toRgb(ImageIO.read(prefix.toFile())), 16);
      NDArray pixels = manager.create(ImagePixels.channelsFirst(square), new Shape(1, 3, 16, 16));
      expected = vae.encode(pixels).toType(DataType.INT64, false).toLongArray();
    }
    boolean sampledDiffers = false;
    for (Sample s : SampleFixtures.readSamples(out.resolve(SampleOutput.SAMPLES))) {
      for (int i = 0; i < 8; i++) {
        assertEquals(expected[i], (long) s.getImageTokens().get(i), "kept token " + i);
      }
      for (int i = 8; i < 16; i++) {
        sampledDiffers |= expected[i] != s.getImageTokens().get(i);
      }
    }
    assertTrue(sampledDiffers, "the rows after the kept ones are sampled");
    assertEquals(
        2,
        JSON.readTree(out.resolve(SampleOutput.MANIFEST).toFile())
            .at("/settings/keep_rows")
            .asInt());

    IllegalArgumentException rows =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptionSampler.run(
                    config(dir.resolve("x"), 3, 3, 4, 3, prefix.toString(), 4), null, false));
    assertTrue(rows.getMessage().contains("--keep-rows is 4"), rows.getMessage());
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void duplicateCaptionIdsAreRejected() {
    SampleConfig twice =
        new SampleConfig(
            "t",
            "d",
            null,
            "test",
            List.of(SampleCaption.ofText("red"), SampleCaption.ofText(" red ")),
            "out",
            2,
            2,
            2,
            SamplingOptions.paper(),
            0,
            null,
            0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, twice::validate);
    assertTrue(e.getMessage().contains("is given twice"), e.getMessage());
  }

  private static SampleCaption caption(Sample s) {
    return CAPTIONS.stream().filter(c -> c.id().equals(s.getCaptionId())).findFirst().orElseThrow();
  }

  private static byte[] bytes(Sample s) {
    byte[] png = new byte[s.getImagePng().remaining()];
    s.getImagePng().duplicate().get(png);
    return png;
  }

  private static List<List<Integer>> tokens(List<Sample> samples) {
    return samples.stream().map(Sample::getImageTokens).toList();
  }
}
