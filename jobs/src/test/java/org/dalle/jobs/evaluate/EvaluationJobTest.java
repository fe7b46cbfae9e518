package org.dalle.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.jobs.dvae.HeldOutScenes;
import org.dalle.jobs.dvae.ReconstructionCheckResult;
import org.dalle.pipelines.synthetic.CaptionWriter;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneAttributes;
import org.dalle.pipelines.synthetic.SceneMix;
import org.dalle.pipelines.synthetic.SceneRenderer;
import org.dalle.pipelines.synthetic.SceneSampler;
import org.dalle.pipelines.synthetic.SyntheticSplit;
import org.dalle.pipelines.synthetic.SyntheticVocabulary;
import org.dalle.schemas.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole evaluation on rendered synthetic scenes: the reranker "chose" the true render of each
 * caption (rank 0) over a black first draw (candidate 0), so the top-1 set must pass every
 * compositional task and sit at FID ≈ 0 from the reference renders, and the unreranked set must
 * not.
 */
class EvaluationJobTest {
  private static final Set<ColourShape> HELD_OUT =
      new LinkedHashSet<>(SyntheticVocabulary.DEFAULT_HELD_OUT_PAIRS);
  private static final Path NETWORK =
      Path.of(
          "../evaluation/src/test/resources/org/dalle/evaluation/features/"
              + "tiny_feature_net_logits.pt");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void writesMetricsPlotCompositionalScoresAndReport() throws IOException {
    Inputs inputs = inputs(10);
    EvaluateConfig config = config(inputs, dir.resolve("eval"));
    Path dvae = Path.of(config.dvaeRun());
    new ReconstructionCheckResult(16, 1.0, 0.875, 0.9375, 0.9375, 20, 64, 12.5, 0.01)
        .write(
            dvae.resolve(ReconstructionCheckResult.FILE),
            100,
            new HeldOutScenes(7, 32, SceneMix.DEFAULT, HELD_OUT, 0));
    Files.write(
        dvae.resolve(ReconstructionCheckResult.FIGURE),
        png(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB)));

    EvaluationJob.Result result = EvaluationJob.run(config, false);

    Path out = result.out();
    for (String file :
        List.of(
            "metrics.json",
            "fid_vs_blur.png",
            "compositional.json",
            "report.html",
            ReconstructionCheckResult.FIGURE)) {
      assertTrue(Files.isRegularFile(out.resolve(file)), file);
    }
    JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
    assertEquals("synthetic-test", metrics.get("protocol").asText());
    JsonNode top1 = metrics.get("sets").get("top1_reranked");
    JsonNode unreranked = metrics.get("sets").get("unreranked");
    assertEquals(10, top1.get("images").asInt());
    assertEquals(2, top1.get("radii").size());
    for (int r = 0; r < 2; r++) {
      JsonNode best = top1.get("radii").get(r);
      JsonNode first = unreranked.get("radii").get(r);
      assertEquals(10, best.get("reference_images").asInt());
      assertTrue(Math.abs(best.get("fid").asDouble()) < 1e-6, "identical sets: " + best);
      // the tiny test network's features are small, so distances are small too
      assertTrue(first.get("fid").asDouble() > 1e-3, "black images are far: " + first);
      assertTrue(best.has("is_mean") && best.has("is_std"));
      assertEquals(best.get("is_mean").asDouble(), best.get("reference_is_mean").asDouble(), 1e-9);
    }
    JsonNode sets = metrics.get("compositional").get("sets");
    assertEquals("top1_reranked", sets.get(0).get("label").asText());
    assertEquals(1.0, sets.get(0).get("overall").asDouble());
    assertTrue(sets.get(1).get("overall").asDouble() < 0.5, sets.get(1).toString());
    // the top-1 set holds exactly the rank-0 images
    for (String id : inputs.ids()) {
      assertArrayEquals(
          Files.readAllBytes(inputs.reference().resolve(id + ".png")),
          Files.readAllBytes(out.resolve("samples/top1_reranked/" + id + ".png")));
    }
    assertEquals(0.875, metrics.get("reconstruction_check").get("ratio").asDouble());
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("fid_vs_blur.png") && html.contains("Compositional benchmark"));
    assertTrue(html.contains("dVAE reconstruction check"), html);
    // Each caption's top-1 image beside its verdict: the true renders pass every fact.
    assertTrue(html.contains("<h2>Top-1 image per caption</h2>"), html);
    for (String id : inputs.ids()) {
      assertTrue(html.contains("src=\"samples/top1_reranked/" + id + ".png\""), id);
    }
    assertTrue(html.contains("Every fact holds for no seen captions and 10 of 10 (100%)"), html);
    JsonNode perCaption = metrics.get("compositional").get("per_caption");
    assertEquals(10, perCaption.size());
    assertEquals("heldout", perCaption.get(0).get("split").asText());
    assertFalse(perCaption.get(0).get("held_out_pairs").isEmpty());
    assertTrue(
        perCaption.get(0).get("sets").get("top1_reranked").get(0).get("all_facts").asBoolean());
    assertFalse(
        perCaption
            .get(0)
            .get("sets")
            .get("unreranked")
            .get(0)
            .get("facts")
            .get("count")
            .asBoolean(),
        "the unreranked images are black");
    try (Stream<Path> siblings = Files.list(dir)) {
      assertEquals(
          List.of("dvae", "eval", "inputs"),
          siblings.map(p -> p.getFileName().toString()).sorted().toList(),
          "no staging directory is left behind");
    }

    // same inputs, same numbers; an existing report is only replaced on request
    assertThrows(IllegalStateException.class, () -> EvaluationJob.run(config, false));
    EvaluationJob.Result again = EvaluationJob.run(config, true);
    // the feature moments are merged across bundles in whatever order the runner chooses, so a
    // rerun agrees to float64 rounding, not bit for bit
    assertSameNumbers(metrics.get("sets"), again.metrics().get("sets"), "sets");
  }

  private static void assertSameNumbers(JsonNode expected, JsonNode actual, String path) {
    if (expected.isNumber()) {
      double e = expected.asDouble();
      assertEquals(e, actual.asDouble(), 1e-12 + 1e-9 * Math.abs(e), path);
    } else if (expected.isContainerNode()) {
      assertEquals(expected.size(), actual.size(), path);
      if (expected.isArray()) {
        for (int i = 0; i < expected.size(); i++) {
          assertSameNumbers(expected.get(i), actual.get(i), path + "[" + i + "]");
        }
      } else {
        expected
            .fieldNames()
            .forEachRemaining(
                f -> assertSameNumbers(expected.get(f), actual.get(f), path + "." + f));
      }
    } else {
      assertEquals(expected, actual, path);
    }
  }

  @Test
  void rejectsBadSettingsAndMissingSamplesClearly() throws IOException {
    Inputs inputs = inputs(2);
    EvaluateConfig bad =
        new EvaluateConfig(
            inputs.samples().toString(),
            "nope:x",
            "torchscript:" + NETWORK,
            null,
            null,
            "has space",
            List.of(0.0),
            0,
            0,
            10,
            dir.resolve("x").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::validate);
    assertTrue(e.getMessage().contains("--reference"), e.getMessage());
    assertTrue(e.getMessage().contains("protocol"), e.getMessage());
    assertTrue(e.getMessage().contains("batch size"), e.getMessage());

    Path empty = Files.createDirectories(dir.resolve("empty"));
    EvaluateConfig noSamples =
        new EvaluateConfig(
            empty.toString(),
            "folder:" + inputs.reference(),
            "torchscript:" + NETWORK + "@11",
            null,
            null,
            "p",
            List.of(0.0),
            0,
            4,
            2,
            dir.resolve("y").toString());
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> EvaluationJob.run(noSamples, false));
    assertTrue(missing.getMessage().contains("dalle sample"), missing.getMessage());
    assertTrue(Files.notExists(dir.resolve("y")));
  }

  private EvaluateConfig config(Inputs inputs, Path out) throws IOException {
    return new EvaluateConfig(
        inputs.samples().toString(),
        "folder:" + inputs.reference(),
        "torchscript:" + NETWORK + "@11",
        inputs.captions().toString(),
        Files.createDirectories(dir.resolve("dvae")).toString(),
        "synthetic-test",
        List.of(0.0, 2.0),
        0,
        4,
        2,
        out.toString());
  }

  private record Inputs(Path samples, Path reference, Path captions, List<String> ids) {}

  /** Rendered scenes: the reference folder, a caption-facts JSONL and Sample records. */
  private Inputs inputs(int count) throws IOException {
    Path root = dir.resolve("inputs");
    Path reference = Files.createDirectories(root.resolve("reference"));
    Path samples = Files.createDirectories(root.resolve("samples"));
    SceneSampler sampler = new SceneSampler(7, SyntheticSplit.HELDOUT, SceneMix.DEFAULT, HELD_OUT);
    CaptionWriter writer = new CaptionWriter();
    SceneRenderer renderer = new SceneRenderer(32);
    List<String> ids = new ArrayList<>();
    StringBuilder jsonl = new StringBuilder();
    List<Sample> records = new ArrayList<>();
    byte[] black = png(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB));
    for (int i = 0; i < count; i++) {
      Scene scene = sampler.sample(i);
      CaptionWriter.Caption caption = writer.write(scene, sampler.phrasing(i));
      Map<String, String> attributes = SceneAttributes.encode(scene, caption, HELD_OUT, 7, i);
      String id = String.format("c%03d", i);
      ids.add(id);
      jsonl
          .append(
              JSON.writeValueAsString(
                  Map.of("id", id, "caption", caption.text(), "attributes", attributes)))
          .append('\n');
      byte[] truth = png(renderer.render(scene));
      Files.write(reference.resolve(id + ".png"), truth);
      records.add(sample(id, caption.text(), 1, 0, 0.1f, black));
      records.add(sample(id, caption.text(), 0, 1, 0.9f, truth));
    }
    Path captions = root.resolve("captions.jsonl");
    Files.writeString(captions, jsonl);
    try (DataFileWriter<Sample> out =
        new DataFileWriter<>(new SpecificDatumWriter<>(Sample.class))) {
      out.create(Sample.getClassSchema(), samples.resolve("samples.avro").toFile());
      for (Sample record : records) {
        out.append(record);
      }
    }
    return new Inputs(samples, reference, captions, ids);
  }

  private static Sample sample(
      String id, String caption, int rank, int candidate, float score, byte[] png) {
    return Sample.newBuilder()
        .setCaptionId(id)
        .setCaption(caption)
        .setRank(rank)
        .setScore(score)
        .setCandidate(candidate)
        .setCandidates(2)
        .setSeed(0L)
        .setCandidateSeed(candidate)
        .setImageTokens(List.of())
        .setGridSize(0)
        .setImagePng(ByteBuffer.wrap(png))
        .build();
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return bytes.toByteArray();
  }
}
