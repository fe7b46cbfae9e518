package org.dalle.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
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
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.models.tokenizer.BpeModel;
import org.dalle.models.tokenizer.BpeTrainer;
import org.dalle.models.tokenizer.ByteLevelPreTokenizer;
import org.dalle.models.transformer.AttentionSchedule;
import org.dalle.models.transformer.PriorExport;
import org.dalle.models.transformer.SamplingOptions;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.models.transformer.TransformerPrior;
import org.dalle.pipelines.encode.ImagePixels;
import org.dalle.pipelines.image.RgbConverter;
import org.dalle.pipelines.image.SquareResizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionSamplerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

  /** 16×16 images, a 4×4 grid of 16 codes. */
  private static final DvaeConfig DVAE = new DvaeConfig(16, 3, 16, 8, 16, 1, 3);

  @TempDir static Path models;
  static Path transformer;
  static Path dvae;
  static Path prefix;
  @TempDir Path dir;

  @BeforeAll
  static void writeModels() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    BpeModel bpe =
        new BpeTrainer(270, 1)
            .train(
                Map.of(
                    ByteLevelPreTokenizer.split("red").get(0),
                    3L,
                    ByteLevelPreTokenizer.split(" circle").get(0),
                    3L));
    TransformerConfig shape =
        new TransformerConfig(
            2, 16, 2, 6, bpe.vocabSize(), 4, 16, 3, 0.125f, 0.875f, 0f, AttentionSchedule.SPARSE);
    transformer = models.resolve("transformer");
    dvae = models.resolve("dvae");
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      TransformerPrior prior = new TransformerPrior(shape);
      prior.initializeParameters(manager);
      PriorExport.write(prior, bpe.toTokenizerJson(), transformer);
      DiscreteVae vae = new DiscreteVae(DVAE);
      vae.initializeParameters(manager);
      DvaeExport.write(vae, dvae);
    }
    BufferedImage image = new BufferedImage(20, 16, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(2, 0, 16, 8);
    g.dispose();
    prefix = models.resolve("prefix.png");
    ImageIO.write(image, "png", prefix.toFile());
  }

  private static SampleConfig config(Path out, long seed, String prefixImage, int keepRows) {
    return new SampleConfig(
        transformer.toString(),
        dvae.toString(),
        List.of("A red circle", "red"),
        out.toString(),
        3,
        4,
        SamplingOptions.paper(),
        seed,
        prefixImage,
        keepRows);
  }

  @Test
  void writesImagesGridsAndAnIndexThatRepeatForTheSeed() throws IOException {
    Path a = dir.resolve("a");
    CaptionSampler.Result result = CaptionSampler.run(config(a, 1, null, 0), false, QUIET);
    assertEquals(6, result.images());
    List<JsonNode> lines = index(a);
    assertEquals(6, lines.size());
    for (int i = 0; i < 6; i++) {
      JsonNode line = lines.get(i);
      assertEquals(i / 3, line.get("caption_index").asInt());
      assertEquals(i % 3, line.get("sample").asInt());
      assertEquals(List.of("A red circle", "red").get(i / 3), line.get("caption").asText());
      assertEquals(16, line.get("image_tokens").size());
      line.get("image_tokens").forEach(t -> assertTrue(t.asInt() >= 0 && t.asInt() < 16));
      BufferedImage image = ImageIO.read(a.resolve(line.get("image").asText()).toFile());
      assertEquals(16, image.getWidth());
      assertTrue(Files.isRegularFile(a.resolve(line.get("grid").asText())));
    }
    BufferedImage grid = ImageIO.read(a.resolve("grids/c001.png").toFile());
    assertTrue(grid.getWidth() > 3 * 96, "three upscaled samples and a label");
    try (Stream<Path> siblings = Files.list(dir)) {
      assertEquals(List.of(a), siblings.toList(), "no staging directory is left behind");
    }

    Path b = dir.resolve("b");
    CaptionSampler.run(config(b, 1, null, 0), false, QUIET);
    assertEquals(
        Files.readString(a.resolve(SampleOutput.INDEX)),
        Files.readString(b.resolve(SampleOutput.INDEX)));
    assertArrayEquals(
        Files.readAllBytes(a.resolve("images/c001-s002.png")),
        Files.readAllBytes(b.resolve("images/c001-s002.png")));

    Path c = dir.resolve("c");
    CaptionSampler.run(config(c, 2, null, 0), false, QUIET);
    assertNotEquals(tokens(index(a)), tokens(index(c)), "another seed draws other images");

    IllegalStateException exists =
        assertThrows(
            IllegalStateException.class,
            () -> CaptionSampler.run(config(a, 1, null, 0), false, QUIET));
    assertTrue(exists.getMessage().contains("--overwrite"));
    CaptionSampler.run(config(a, 2, null, 0), true, QUIET);
    assertEquals(tokens(index(c)), tokens(index(a)));
  }

  @Test
  void prefixImageRowsAreKept() throws IOException {
    Path out = dir.resolve("out");
    CaptionSampler.run(config(out, 3, prefix.toString(), 2), false, QUIET);
    long[] expected;
    try (NDManager manager = NDManager.newBaseManager()) {
      DiscreteVae vae = DvaeExport.read(dvae, manager);
      BufferedImage square =
          SquareResizer.resizeAndCenterCrop(RgbConverter.toRgb(ImageIO.read(prefix.toFile())), 16);
      NDArray pixels = manager.create(ImagePixels.channelsFirst(square), new Shape(1, 3, 16, 16));
      expected = vae.encode(pixels).toType(DataType.INT64, false).toLongArray();
    }
    boolean sampledDiffers = false;
    for (JsonNode line : index(out)) {
      assertEquals(2, line.get("keep_rows").asInt());
      for (int i = 0; i < 8; i++) {
        assertEquals(expected[i], line.get("image_tokens").get(i).asLong(), "kept token " + i);
      }
      for (int i = 8; i < 16; i++) {
        sampledDiffers |= expected[i] != line.get("image_tokens").get(i).asLong();
      }
    }
    assertTrue(sampledDiffers, "the rows after the kept ones are sampled");

    IllegalArgumentException rows =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptionSampler.run(
                    config(dir.resolve("x"), 3, prefix.toString(), 4), false, QUIET));
    assertTrue(rows.getMessage().contains("--keep-rows is 4"), rows.getMessage());
    assertFalse(Files.exists(dir.resolve("x")));
  }

  private static List<JsonNode> index(Path out) throws IOException {
    return Files.readAllLines(out.resolve(SampleOutput.INDEX)).stream()
        .map(
            line -> {
              try {
                return JSON.readTree(line);
              } catch (IOException e) {
                throw new AssertionError(line, e);
              }
            })
        .toList();
  }

  private static List<String> tokens(List<JsonNode> lines) {
    return lines.stream().map(l -> l.get("image_tokens").toString()).toList();
  }
}
