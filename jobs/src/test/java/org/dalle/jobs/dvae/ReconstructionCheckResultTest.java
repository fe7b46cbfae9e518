package org.dalle.jobs.dvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.dalle.pipelines.synthetic.Colour;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.SceneMix;
import org.dalle.pipelines.synthetic.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconstructionCheckResultTest {

  private static final ReconstructionCheckResult RESULT =
      new ReconstructionCheckResult(256, 1.0, 0.973, 0.992, 0.977, 180, 512, 85.1, 0.0061);
  private static final HeldOutScenes SCENES =
      new HeldOutScenes(
          1, 64, SceneMix.DEFAULT, Set.of(new ColourShape(Colour.RED, Shape.TRIANGLE)), 0);

  @TempDir Path dir;

  @Test
  void lineGivesEveryFigure() {
    assertEquals(
        "reconstruction check (256 held-out-split images, EMA weights): every object right in"
            + " 97.3% of reconstructions vs 100.0% of originals → ratio 0.973 (target ≥ 0.95:"
            + " met); colour right 99.2%, shape right 97.7%; codes used 180/512, perplexity 85.1;"
            + " MSE 0.0061",
        RESULT.line());
  }

  @Test
  void targetIsNinetyFivePercentOfTheOriginalsPassRate() {
    assertTrue(withRatio(0.95).meetsTarget());
    assertFalse(withRatio(0.9499).meetsTarget());
    assertFalse(withRatio(Double.NaN).meetsTarget());
    assertTrue(withRatio(0.5).line().contains("(target ≥ 0.95: NOT met)"));
  }

  @Test
  void fileIsWrittenAtomicallyAndReadsBack() throws IOException {
    Path file = dir.resolve(ReconstructionCheckResult.FILE);
    RESULT.write(file, 800, SCENES);

    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertEquals(800, json.get("step").asLong());
    assertEquals("ema", json.get("weights").asText());
    assertEquals(0.95, json.get("target_ratio").asDouble());
    assertTrue(json.get("meets_target").asBoolean());
    assertEquals(180, json.get("codebook_usage").asInt());
    assertEquals("heldout", json.get("scenes").get("split").asText());
    assertEquals(1, json.get("scenes").get("seed").asLong());
    assertEquals("red triangle", json.get("scenes").get("held_out_pairs").get(0).asText());
    assertEquals(RESULT, ReconstructionCheckResult.read(file));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of(ReconstructionCheckResult.FILE),
          files.map(p -> p.getFileName().toString()).toList(),
          "no temporary file is left");
    }

    ReconstructionCheckResult undefined = withRatio(Double.NaN);
    undefined.write(file, 800, SCENES);
    assertTrue(Double.isNaN(ReconstructionCheckResult.read(file).ratio()));
  }

  @Test
  void aFileWithoutAFigureIsRejectedByName() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.json"), "{\"images\": 3}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReconstructionCheckResult.read(file));
    assertTrue(e.getMessage().contains("'originals_right'"), e.getMessage());
  }

  @Test
  void metricsArePrefixed() {
    assertEquals(9, RESULT.metrics().size());
    assertTrue(RESULT.metrics().keySet().stream().allMatch(k -> k.startsWith("check_")));
    assertEquals(0.973, RESULT.metrics().get("check_ratio"));
  }

  private static ReconstructionCheckResult withRatio(double ratio) {
    return new ReconstructionCheckResult(256, 1.0, ratio, 0.99, 0.98, 180, 512, 85.1, 0.0061);
  }
}
