package org.dalle.evaluation.compositional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.schemas.CaptionedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompositionalEvaluationTest {
  private static final List<SyntheticScenes.Example> EXAMPLES = SyntheticScenes.examples(3, 12);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /**
   * Top-1: the true render of every caption. Unreranked: for each caption the true render and an
   * empty image, so every task scores exactly one half there.
   */
  @Test
  void writesPerTaskAccuraciesForEachSampleSet() throws IOException {
    Path captions = writeJsonl(EXAMPLES);
    Path samples = dir.resolve("samples");
    for (SyntheticScenes.Example e : EXAMPLES) {
      BufferedImage truth = SyntheticScenes.image(e.scene(), 64, 32);
      png(truth, samples.resolve("top1_reranked").resolve(e.facts().id() + ".png"));
      png(truth, samples.resolve("unreranked").resolve(e.facts().id()).resolve("0.png"));
      png(
          new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB),
          samples.resolve("unreranked").resolve(e.facts().id()).resolve("1.png"));
    }
    Path out = dir.resolve("eval");

    CompositionalResult result = new CompositionalEvaluation().run(samples, captions, out);

    JsonNode json = JSON.readTree(out.resolve(CompositionalEvaluation.FILE_NAME).toFile());
    assertEquals(EXAMPLES.size(), json.get("caption_count").asInt());
    assertEquals(EXAMPLES.size() / 2, json.get("held_out_captions").asInt()); // every heldout scene
    JsonNode top1 = json.get("sets").get(0);
    JsonNode unreranked = json.get("sets").get(1);
    assertEquals("top1_reranked", top1.get("label").asText());
    assertEquals("unreranked", unreranked.get("label").asText());
    assertEquals(EXAMPLES.size(), top1.get("images").asInt());
    assertEquals(2 * EXAMPLES.size(), unreranked.get("images").asInt());
    assertEquals(EXAMPLES.size(), unreranked.get("captions").asInt());
    assertEquals(0, unreranked.get("captions_without_images").asInt());
    assertEquals(1.0, top1.get("overall").asDouble());
    assertEquals(0.5, unreranked.get("overall").asDouble());
    assertEquals(0.5, unreranked.get("all_facts").get("accuracy").asDouble());
    for (CompositionalTask task : CompositionalTask.values()) {
      JsonNode t = unreranked.get("tasks").get(task.key());
      assertTrue(t != null, () -> task.key() + " missing from " + unreranked);
      long total = EXAMPLES.stream().filter(e -> takesPart(e.facts(), task)).count();
      assertEquals(2 * total, t.get("total").asLong(), task.key());
      assertEquals(total, t.get("passed").asLong(), task.key());
      assertEquals(1.0, top1.get("tasks").get(task.key()).get("accuracy").asDouble(), task.key());
    }
    assertEquals(result.sets().get(1).overall(), unreranked.get("overall").asDouble());
    // Per caption: its text and split, and a verdict on each image of each set, in file order.
    JsonNode perCaption = json.get("per_caption");
    assertEquals(EXAMPLES.size(), perCaption.size());
    for (int i = 0; i < EXAMPLES.size(); i++) {
      CaptionFacts facts = EXAMPLES.get(i).facts();
      JsonNode caption = perCaption.get(i);
      assertEquals(facts.id(), caption.get("id").asText());
      assertEquals(facts.caption(), caption.get("caption").asText());
      assertEquals(facts.scene().split().word(), caption.get("split").asText());
      assertEquals(facts.heldOut().size(), caption.get("held_out_pairs").size());
      JsonNode best = caption.get("sets").get("top1_reranked");
      assertEquals(1, best.size());
      assertTrue(best.get(0).get("all_facts").asBoolean(), caption.toString());
      assertEquals("count", best.get(0).get("facts").fieldNames().next());
      assertEquals(expectedTasks(facts).size(), best.get(0).get("tasks").size());
      JsonNode drawn = caption.get("sets").get("unreranked");
      assertEquals(2, drawn.size());
      assertTrue(drawn.get(0).get("all_facts").asBoolean(), "0.png is the true render");
      assertEquals(false, drawn.get(1).get("all_facts").asBoolean(), "1.png is empty");
      assertEquals(false, drawn.get(1).get("facts").get("count").asBoolean());
    }
    assertEquals(
        List.of("heldout"),
        result.perCaption().stream()
            .filter(c -> !c.heldOutPairs().isEmpty())
            .map(CaptionVerdicts::split)
            .distinct()
            .toList());
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(
          List.of(CompositionalEvaluation.FILE_NAME),
          files.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void readsCaptionsFromPreparedAvroAndCountsCaptionsWithoutImages() throws IOException {
    Path avro = dir.resolve("data").resolve("images-00000.avro");
    Files.createDirectories(avro.getParent());
    try (DataFileWriter<CaptionedImage> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(CaptionedImage.class))) {
      writer.create(CaptionedImage.getClassSchema(), avro.toFile());
      for (SyntheticScenes.Example e : EXAMPLES) {
        writer.append(
            CaptionedImage.newBuilder()
                .setId(e.facts().id())
                .setCaption(e.facts().caption())
                .setImagePng(ByteBuffer.allocate(0))
                .setWidth(32)
                .setHeight(32)
                .setSource("synthetic")
                .setSourceKey(e.facts().id())
                .setSha256("")
                .setPhash(0)
                .setAttributes(e.attributes())
                .build());
      }
    }
    SyntheticScenes.Example first = EXAMPLES.get(0);
    Path samples = dir.resolve("samples");
    png(
        SyntheticScenes.image(first.scene(), 64, 32),
        samples.resolve("top1_reranked").resolve(first.facts().id() + ".png"));

    CompositionalResult result =
        new CompositionalEvaluation().run(samples, avro.getParent(), dir.resolve("eval"));

    SampleSetScore top1 = result.sets().get(0);
    assertEquals(1, top1.images());
    assertEquals(1, top1.captions());
    assertEquals(EXAMPLES.size() - 1, top1.captionsWithoutImages());
    assertEquals(1.0, top1.overall());
    // Tasks no image took part in are left out rather than scored 0 of 0.
    assertEquals(expectedTasks(first.facts()), top1.tasks().keySet());
  }

  @Test
  void namesTheBadInput() throws IOException {
    Path captions = writeJsonl(EXAMPLES);
    Path samples = dir.resolve("samples");
    png(
        new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB),
        samples.resolve("top1_reranked").resolve("nobody.png"));
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> new CompositionalEvaluation().run(samples, captions, dir.resolve("eval")));
    assertTrue(unknown.getMessage().contains("'nobody'"), unknown.getMessage());

    Files.delete(samples.resolve("top1_reranked").resolve("nobody.png"));
    Files.writeString(
        samples.resolve("top1_reranked").resolve(EXAMPLES.get(0).facts().id() + ".jpg"), "x");
    IllegalArgumentException notPng =
        assertThrows(
            IllegalArgumentException.class,
            () -> new CompositionalEvaluation().run(samples, captions, dir.resolve("eval")));
    assertTrue(notPng.getMessage().contains(".jpg"), notPng.getMessage());

    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(
        bad,
        "{\"id\": \"a\", \"caption\": \"a red circle\", \"attributes\": {\"kind\": \"single\"}}\n");
    IllegalArgumentException attributes =
        assertThrows(IllegalArgumentException.class, () -> CaptionFacts.read(bad));
    assertTrue(attributes.getMessage().contains("bad.jsonl:1"), attributes.getMessage());
    assertTrue(attributes.getMessage().contains("'split'"), attributes.getMessage());
    assertNull(TaskScore.of(0, 0).accuracy());
  }

  private static boolean takesPart(CaptionFacts f, CompositionalTask task) {
    return expectedTasks(f).contains(task.key());
  }

  /** The task keys a caption takes part in, by the rules of {@link CompositionalTask}. */
  private static Set<String> expectedTasks(CaptionFacts f) {
    Set<String> keys = new TreeSet<>();
    switch (f.scene().kind()) {
      case SINGLE -> {
        keys.add("single_object");
        keys.add("colour");
        if (f.mentions("position")) {
          keys.add("position");
        }
      }
      case COUNT -> keys.add("counting");
      case RELATION -> keys.addAll(List.of("two_objects", "attribute_binding", "relation"));
    }
    if (!f.heldOut().isEmpty()) {
      keys.add("heldout_pairs");
    }
    return keys;
  }

  private Path writeJsonl(List<SyntheticScenes.Example> examples) throws IOException {
    List<String> lines = new ArrayList<>();
    for (SyntheticScenes.Example e : examples) {
      Map<String, Object> line = new HashMap<>();
      line.put("id", e.facts().id());
      line.put("caption", e.facts().caption());
      line.put("attributes", e.attributes());
      lines.add(JSON.writeValueAsString(line));
    }
    Path file = dir.resolve("captions.jsonl");
    Files.write(file, lines);
    return file;
  }

  private static void png(BufferedImage image, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    ImageIO.write(image, "png", file.toFile());
  }
}
