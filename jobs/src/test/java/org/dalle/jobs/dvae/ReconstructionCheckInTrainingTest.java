package org.dalle.jobs.dvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.train.StopSignal;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.models.dvae.DvaeConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconstruction check at the end of a two-update run, on a tiny model. */
class ReconstructionCheckInTrainingTest {

  private static final DvaeConfig MODEL = new DvaeConfig(16, 3, 32, 8, 16, 1, 2);

  @TempDir static Path data;
  @TempDir Path dir;

  @BeforeAll
  static void writeData() throws IOException {
    System.setProperty("ai.djl.offline", "true");
    ShapeData.write(data, 12, 16);
  }

  private static TrainDvaeConfig config(Path data, Path out, long steps) {
    return ConfigLoader.load(
            TrainDvaeConfig.class,
            TrainDvaeConfig.defaults(),
            null,
            Map.of(
                "data",
                data.toString(),
                "out",
                out.toString(),
                "model",
                MODEL,
                "batch_size",
                4,
                "steps",
                steps,
                "reconstruction_images",
                4,
                "reconstruction_check_images",
                6,
                "seed",
                7))
        .validate();
  }

  @Test
  void syntheticDataIsCheckedAfterTheExport() throws IOException {
    HeldOutScenesTest.preparedData(
        data, "\"synthetic:12,seed=3,size=32\"", "\"seed\": 3, \"held_out_pairs\": []");
    Path out = dir.resolve("run");
    TrainDvaeResult result =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new DvaeTrainer(config(data, out, 2)), false);

    assertTrue(result.finished());
    assertEquals("", result.reconstructionCheckSkipped());
    ReconstructionCheckResult check = result.reconstructionCheck().orElseThrow();
    assertEquals(6, check.images());
    assertEquals(32, check.vocabSize());
    assertTrue(check.codesUsed() >= 1 && check.codesUsed() <= 32, "codes " + check.codesUsed());
    assertTrue(check.perplexity() >= 1 && check.perplexity() <= check.codesUsed() + 1e-9);
    assertTrue(check.mse() > 0 && check.mse() < 1, "mse " + check.mse());

    assertEquals(
        check, ReconstructionCheckResult.read(out.resolve(ReconstructionCheckResult.FILE)));
    BufferedImage figure = ImageIO.read(out.resolve(ReconstructionCheckResult.FIGURE).toFile());
    assertTrue(figure.getWidth() > 6 * 96 && figure.getHeight() > 2 * 96, "figure size");
    List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(3, lines.size());
    JsonNode last = new ObjectMapper().readTree(lines.get(2));
    assertEquals(2, last.get("step").asLong());
    assertEquals(6, last.get("check_images").asInt());
    assertEquals(check.codesUsed(), last.get("check_codebook_usage").asInt());
  }

  @Test
  void otherDataSkipsTheCheckAndSaysWhy() throws IOException {
    Path photos = dir.resolve("photos");
    ShapeData.write(photos, 12, 16);
    HeldOutScenesTest.preparedData(photos, "\"folder:/photos\"", "\"seed\": 0");
    TrainDvaeResult result =
        new TrainingLoop(List.of(), StopSignal.manual())
            .run(new DvaeTrainer(config(photos, dir.resolve("run"), 1)), false);

    assertTrue(result.reconstructionCheck().isEmpty());
    assertTrue(
        result.reconstructionCheckSkipped().contains("no synthetic source"),
        result.reconstructionCheckSkipped());
    assertTrue(Files.notExists(dir.resolve("run").resolve(ReconstructionCheckResult.FILE)));
  }
}
