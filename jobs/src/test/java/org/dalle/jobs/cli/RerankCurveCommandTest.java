package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.evaluation.compositional.CaptionFacts;
import org.dalle.pipelines.synthetic.SceneRenderer;
import org.dalle.schemas.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dalle eval-captions --protocol synthetic} and {@code dalle rerank-curve} together, on
 * rendered scenes standing in for a model: of four candidates per caption only one is the true
 * render, and the reranker scores it highest, so the top-1 of a pool of N is right exactly when the
 * pool holds it.
 */
class RerankCurveCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  private int run(String... args) {
    CommandLine cli = DalleCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private int syntheticCaptions(int count, Path out) {
    return run(
        "eval-captions", "--protocol", "synthetic", "--count", "" + count, "--out", out.toString());
  }

  @Test
  void syntheticCaptionsThenTheCurveOfTopOneAccuracyAgainstPoolSize() throws IOException {
    Path captionsDir = dir.resolve("captions");
    assertEquals(0, syntheticCaptions(3, captionsDir), err.toString());
    Path captions = captionsDir.resolve("captions.jsonl");
    JsonNode selection = JSON.readTree(captionsDir.resolve("selection.json").toFile());
    assertEquals(6, selection.get("captions").asInt());
    assertEquals(1_000_000, selection.get("first_unseen_index").asLong());
    List<CaptionFacts> facts = CaptionFacts.read(captions);
    assertEquals(6, facts.size());
    assertEquals(3, facts.stream().filter(f -> !f.heldOut().isEmpty()).count());

    // the true render is candidate (caption index mod 4), scored 0.9; the rest are black, 0.1
    Path samples = Files.createDirectories(dir.resolve("samples"));
    SceneRenderer renderer = new SceneRenderer(32);
    byte[] black = png(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB));
    try (DataFileWriter<Sample> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(Sample.class))) {
      writer.create(Sample.getClassSchema(), samples.resolve("samples.avro").toFile());
      for (int c = 0; c < facts.size(); c++) {
        CaptionFacts caption = facts.get(c);
        byte[] truth = png(renderer.render(caption.scene()));
        for (int k = 0; k < 4; k++) {
          boolean right = k == c % 4;
          writer.append(sample(caption, k, right ? 0.9f : 0.1f, right ? truth : black));
        }
      }
    }

    Path curve = dir.resolve("curve");
    assertEquals(
        0,
        run(
            "rerank-curve",
            "--samples",
            samples.toString(),
            "--captions",
            captions.toString(),
            "--sizes",
            "4,1,2",
            "--out",
            curve.toString()),
        err.toString());
    JsonNode result = JSON.readTree(curve.resolve("reranking_curve.json").toFile());
    assertEquals(4, result.get("candidates").asInt());
    JsonNode points = result.get("points");
    assertEquals(3, points.size());
    // N = 1: one right image in four; N = 2: the pool holding the render gets it right, one of
    // two; N = 4: always right
    double[] expected = {0.25, 0.5, 1.0};
    int[] n = {1, 2, 4};
    for (int i = 0; i < 3; i++) {
      JsonNode point = points.get(i);
      assertEquals(n[i], point.get("n").asInt());
      assertEquals(
          expected[i], point.get("all").get("all_facts").get("accuracy").asDouble(), 1e-12);
      assertEquals(
          expected[i],
          point.get("held_out_pairs").get("all_facts").get("accuracy").asDouble(),
          1e-12);
    }
    assertTrue(Files.isRegularFile(curve.resolve("reranking_curve.png")));
    String printed = out.toString();
    assertTrue(printed.contains("6 captions (3 with a held-out pair), 4 candidates"), printed);
    assertTrue(printed.contains("100.0% (6/6)"), printed);
  }

  @Test
  void unscoredSamplesAreRejectedWithWhatToDoInstead() throws IOException {
    Path captionsDir = dir.resolve("captions");
    assertEquals(0, syntheticCaptions(1, captionsDir), err.toString());
    CaptionFacts caption = CaptionFacts.read(captionsDir.resolve("captions.jsonl")).get(0);
    Path samples = Files.createDirectories(dir.resolve("samples"));
    try (DataFileWriter<Sample> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(Sample.class))) {
      writer.create(Sample.getClassSchema(), samples.resolve("samples.avro").toFile());
      Sample unscored = sample(caption, 0, 0, png(new BufferedImage(8, 8, 1)));
      unscored.setScore(null);
      writer.append(unscored);
    }
    int code =
        run(
            "rerank-curve",
            "--samples",
            samples.toString(),
            "--captions",
            captionsDir.resolve("captions.jsonl").toString(),
            "--out",
            dir.resolve("curve").toString());
    assertTrue(code != 0);
    assertTrue(err.toString().contains("--clip"), err.toString());
    assertTrue(Files.notExists(dir.resolve("curve/reranking_curve.json")));
    // a complete output is not replaced silently by eval-captions
    assertTrue(syntheticCaptions(1, captionsDir) != 0);
    assertTrue(err.toString().contains("--overwrite"), err.toString());
  }

  private static Sample sample(CaptionFacts caption, int candidate, float score, byte[] png) {
    return Sample.newBuilder()
        .setCaptionId(caption.id())
        .setCaption(caption.caption())
        .setRank(candidate)
        .setScore(score)
        .setCandidate(candidate)
        .setCandidates(4)
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
