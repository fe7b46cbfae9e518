package org.dalle.evaluation.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dalle.evaluation.protocols.EvalCaptionsConfig.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionSelectionJobTest {
  @TempDir Path dir;

  private EvalCaptionsConfig coco(
      Path annotations, Optional<Path> overlap, int count, long seed, String out) {
    return new EvalCaptionsConfig(
        Protocol.COCO30K,
        annotations.toString(),
        dir.resolve("val2014").toString(),
        overlap.map(Path::toString),
        null,
        count,
        seed,
        dir.resolve(out).toString());
  }

  private List<EvaluationCaption> captions(String out) throws IOException {
    return EvaluationCaptionFile.read(dir.resolve(out).resolve("captions.jsonl"));
  }

  @Test
  void cocoChoosesOneCaptionPerImageWhateverTheFileOrder() throws IOException {
    Path ordered = CaptionFixtures.cocoAnnotations(dir, "ordered.json", 20, 0);
    Path shuffled = CaptionFixtures.cocoAnnotations(dir, "shuffled.json", 20, 42);
    CaptionSelectionJob.Summary summary =
        CaptionSelectionJob.run(coco(ordered, Optional.empty(), 10, 7, "a"), false);
    CaptionSelectionJob.run(coco(shuffled, Optional.empty(), 10, 7, "b"), false);

    assertEquals(10, summary.captions());
    assertEquals(
        Files.readString(dir.resolve("a/captions.jsonl")),
        Files.readString(dir.resolve("b/captions.jsonl")));
    List<EvaluationCaption> chosen = captions("a");
    Set<String> images = new HashSet<>();
    for (EvaluationCaption caption : chosen) {
      String file = caption.id().substring(0, caption.id().indexOf('#'));
      long imageId = Long.parseLong(file.substring(13, 25));
      long annotation = Long.parseLong(caption.id().substring(caption.id().indexOf('#') + 1));
      assertTrue(images.add(file), "one caption per image: " + file);
      assertNotEquals(0, imageId % 7, "images without captions are never chosen");
      assertEquals(imageId, annotation / 100, "the caption belongs to its image");
      assertEquals("caption " + annotation % 100 + " of image " + imageId, caption.caption());
      assertEquals(dir.resolve("val2014").resolve(file).toString(), caption.image());
    }
    assertEquals(
        chosen.stream().map(EvaluationCaption::image).toList(),
        Files.readAllLines(dir.resolve("a/reference_images.txt")));
    JsonNode selection = new ObjectMapper().readTree(dir.resolve("a/selection.json").toFile());
    assertEquals(20, selection.path("counts").path("images").asInt());
    assertEquals(1, selection.path("counts").path("annotations_of_unknown_images").asInt());
    assertFalse(Files.exists(dir.resolve("a/no_overlap")));
  }

  @Test
  void aSmallerSelectionIsAPrefixAndTheSeedMatters() throws IOException {
    Path annotations = CaptionFixtures.cocoAnnotations(dir, "captions_val2014.json", 20, 0);
    CaptionSelectionJob.run(coco(annotations, Optional.empty(), 10, 7, "ten"), false);
    CaptionSelectionJob.run(coco(annotations, Optional.empty(), 4, 7, "four"), false);
    CaptionSelectionJob.run(coco(annotations, Optional.empty(), 10, 8, "other"), false);
    assertEquals(captions("ten").subList(0, 4), captions("four"));
    assertNotEquals(captions("ten"), captions("other"));
  }

  @Test
  void theNoOverlapVariantDropsThePrepareStagesOverlapAndRefills() throws IOException {
    Path annotations = CaptionFixtures.cocoAnnotations(dir, "captions_val2014.json", 20, 0);
    CaptionSelectionJob.run(coco(annotations, Optional.empty(), 10, 3, "plain"), false);
    List<EvaluationCaption> full = captions("plain");
    String first = full.get(0).id().substring(0, full.get(0).id().indexOf('#'));
    String fifth = full.get(4).id().substring(0, full.get(4).id().indexOf('#'));
    // As RemoveNearDuplicates writes it: <source>/<source key>, one line per evaluation record.
    Path overlap =
        Files.writeString(
            dir.resolve(EvaluationOverlap.FILE_NAME),
            "coco/" + first + "#101\ncoco/" + first + "#102\ncoco/" + fifth + "\ncub/x.jpg#1\n");

    CaptionSelectionJob.Summary summary =
        CaptionSelectionJob.run(coco(annotations, Optional.of(overlap), 10, 3, "out"), false);

    assertEquals(full, captions("out"), "the full variant ignores the overlap list");
    List<EvaluationCaption> clean =
        EvaluationCaptionFile.read(dir.resolve("out/no_overlap/captions.jsonl"));
    assertEquals(10, clean.size());
    assertEquals(2, summary.overlapping());
    assertEquals(10, summary.noOverlapCaptions().getAsInt());
    for (EvaluationCaption caption : clean) {
      assertFalse(caption.id().startsWith(first + "#") || caption.id().startsWith(fifth + "#"));
    }
    List<EvaluationCaption> kept =
        full.stream().filter(c -> !c.id().startsWith(first) && !c.id().startsWith(fifth)).toList();
    assertEquals(kept, clean.subList(0, 8), "the other captions stay, in rank order");
    assertEquals(
        clean.stream().map(EvaluationCaption::image).toList(),
        Files.readAllLines(dir.resolve("out/no_overlap/reference_images.txt")));
    JsonNode counts =
        new ObjectMapper().readTree(dir.resolve("out/selection.json").toFile()).path("counts");
    assertEquals(2, counts.path("overlap_images").asInt());
    assertEquals(1, counts.path("overlap_lines_of_other_sources").asInt());
  }

  @Test
  void badInputsGiveClearErrors() throws IOException {
    Path annotations = CaptionFixtures.cocoAnnotations(dir, "captions_val2014.json", 20, 0);
    IllegalArgumentException tooMany =
        assertThrows(
            IllegalArgumentException.class,
            () -> CaptionSelectionJob.run(coco(annotations, Optional.empty(), 30, 1, "x"), false));
    assertTrue(tooMany.getMessage().contains("only 18 images have captions"), tooMany.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CaptionSelectionJob.run(
                    coco(dir.resolve("absent.json"), Optional.empty(), 3, 1, "x"), false));
    assertTrue(missing.getMessage().contains("absent.json"), missing.getMessage());
    Path instances = Files.writeString(dir.resolve("instances.json"), "{\"images\": []}");
    IOException wrongFormat =
        assertThrows(
            IOException.class,
            () -> CaptionSelectionJob.run(coco(instances, Optional.empty(), 3, 1, "x"), false));
    assertTrue(wrongFormat.getMessage().contains("annotations"), wrongFormat.getMessage());
    assertFalse(Files.exists(dir.resolve("x/selection.json")));

    CaptionSelectionJob.run(coco(annotations, Optional.empty(), 3, 1, "done"), false);
    IllegalStateException complete =
        assertThrows(
            IllegalStateException.class,
            () ->
                CaptionSelectionJob.run(coco(annotations, Optional.empty(), 3, 1, "done"), false));
    assertTrue(complete.getMessage().contains("--overwrite"), complete.getMessage());
    CaptionSelectionJob.run(coco(annotations, Optional.empty(), 4, 1, "done"), true);
    assertEquals(4, captions("done").size());
  }

  @Test
  void cubKeepsEveryUniqueTestCaptionAndEveryTestImage() throws IOException {
    Path root = CaptionFixtures.cub(dir);
    EvalCaptionsConfig config =
        new EvalCaptionsConfig(
            Protocol.CUB,
            null,
            null,
            Optional.empty(),
            root.toString(),
            0,
            0,
            dir.resolve("cub").toString());
    CaptionSelectionJob.Summary summary = CaptionSelectionJob.run(config, false);

    List<EvaluationCaption> chosen = captions("cub");
    String images = root.resolve("images") + "/";
    assertEquals(
        List.of(
            new EvaluationCaption(
                "001.Albatross/Albatross_0002.jpg#1",
                "this bird is white.",
                images + "001.Albatross/Albatross_0002.jpg"),
            new EvaluationCaption(
                "001.Albatross/Albatross_0002.jpg#2",
                "it has a long beak.",
                images + "001.Albatross/Albatross_0002.jpg"),
            new EvaluationCaption(
                "001.Albatross/Albatross_0003.jpg#1",
                "a small bird.",
                images + "001.Albatross/Albatross_0003.jpg")),
        chosen);
    assertEquals(3, summary.captions());
    assertEquals(
        List.of(
            images + "001.Albatross/Albatross_0002.jpg",
            images + "001.Albatross/Albatross_0003.jpg",
            images + "002.Auklet/Auklet_0002.jpg"),
        Files.readAllLines(dir.resolve("cub/reference_images.txt")));
    JsonNode counts =
        new ObjectMapper().readTree(dir.resolve("cub/selection.json").toFile()).path("counts");
    assertEquals(1, counts.path("duplicate_captions").asInt());
    assertEquals(1, counts.path("test_images_without_text").asInt());

    Files.delete(root.resolve("train_test_split.txt"));
    EvalCaptionsConfig again =
        new EvalCaptionsConfig(
            Protocol.CUB,
            null,
            null,
            Optional.empty(),
            root.toString(),
            0,
            0,
            dir.resolve("cub2").toString());
    IllegalArgumentException noSplit =
        assertThrows(IllegalArgumentException.class, () -> CaptionSelectionJob.run(again, false));
    assertTrue(noSplit.getMessage().contains("train_test_split.txt"), noSplit.getMessage());
  }

  private EvalCaptionsConfig cub(Path root, Optional<Path> overlap, String out) {
    return new EvalCaptionsConfig(
        Protocol.CUB,
        null,
        null,
        overlap.map(Path::toString),
        root.toString(),
        0,
        0,
        dir.resolve(out).toString());
  }

  @Test
  void theCubNoOverlapVariantDropsOverlappingTestImagesAndKeepsTheirCaptionsFromOthers()
      throws IOException {
    Path root = CaptionFixtures.cub(dir);
    CaptionSelectionJob.run(cub(root, Optional.empty(), "plain"), false);
    // As RemoveNearDuplicates writes it for --dedup-against cub:ROOT: one line per caption record.
    // Albatross_0001 is a training image of the split, so it is not in the selection anyway.
    Path overlap =
        Files.writeString(
            dir.resolve(EvaluationOverlap.FILE_NAME),
            "cub/001.Albatross/Albatross_0002.jpg#1\n"
                + "cub/001.Albatross/Albatross_0002.jpg#2\n"
                + "cub/001.Albatross/Albatross_0001.jpg#1\n"
                + "coco/COCO_val2014_000000000042.jpg#4201\n\n");

    CaptionSelectionJob.Summary summary =
        CaptionSelectionJob.run(cub(root, Optional.of(overlap), "out"), false);

    assertEquals(captions("plain"), captions("out"), "the full variant ignores the overlap list");
    assertEquals(
        Files.readAllLines(dir.resolve("plain/reference_images.txt")),
        Files.readAllLines(dir.resolve("out/reference_images.txt")));
    String images = root.resolve("images") + "/";
    assertEquals(
        List.of(
            new EvaluationCaption(
                "001.Albatross/Albatross_0003.jpg#1",
                "a small bird.",
                images + "001.Albatross/Albatross_0003.jpg"),
            // Albatross_0002 said it first; without that image the caption is Albatross_0003's.
            new EvaluationCaption(
                "001.Albatross/Albatross_0003.jpg#2",
                "it has a long beak.",
                images + "001.Albatross/Albatross_0003.jpg")),
        EvaluationCaptionFile.read(dir.resolve("out/no_overlap/captions.jsonl")));
    assertEquals(
        List.of(images + "001.Albatross/Albatross_0003.jpg", images + "002.Auklet/Auklet_0002.jpg"),
        Files.readAllLines(dir.resolve("out/no_overlap/reference_images.txt")));
    assertEquals(3, summary.captions());
    assertEquals(2, summary.noOverlapCaptions().getAsInt());
    assertEquals(1, summary.overlapping());
    JsonNode selection = new ObjectMapper().readTree(dir.resolve("out/selection.json").toFile());
    assertEquals(overlap.toString(), selection.path("overlap").asText());
    JsonNode counts = selection.path("counts");
    assertEquals(2, counts.path("overlap_images").asInt());
    assertEquals(1, counts.path("overlap_lines_of_other_sources").asInt());
    assertEquals(1, counts.path("overlapping_in_selection").asInt());
    assertEquals(2, counts.path("no_overlap_test_images").asInt());
    assertEquals(2, counts.path("no_overlap_captions").asInt());
    assertFalse(Files.exists(dir.resolve("plain/no_overlap")));
  }

  @Test
  void theOverlapListIsReadPerSourceWithCaptionNumbersDropped() {
    List<String> lines =
        List.of(
            "coco/COCO_val2014_000000000042.jpg#4201",
            " coco/COCO_val2014_000000000042.jpg#4202 ",
            "coco/COCO_val2014_000000000007.jpg",
            "cub/001.Albatross/Albatross_0002.jpg#10",
            "cub/002.Auklet/Auklet_0001.jpg",
            "cub/003.Odd/name#with#hash.jpg",
            "",
            "folder/x.png");
    EvaluationOverlap coco = EvaluationOverlap.parse(lines, "coco");
    assertEquals(
        Set.of("COCO_val2014_000000000042.jpg", "COCO_val2014_000000000007.jpg"), coco.images());
    assertEquals(4, coco.otherSourceLines());
    EvaluationOverlap cub = EvaluationOverlap.parse(lines, "cub");
    assertEquals(
        Set.of(
            "001.Albatross/Albatross_0002.jpg",
            "002.Auklet/Auklet_0001.jpg",
            "003.Odd/name#with#hash.jpg"),
        cub.images());
    assertEquals(4, cub.otherSourceLines());
  }
}
