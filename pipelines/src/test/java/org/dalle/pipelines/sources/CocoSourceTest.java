package org.dalle.pipelines.sources;

import static org.dalle.pipelines.sources.SourceFixtures.image;
import static org.dalle.pipelines.sources.SourceFixtures.write;
import static org.dalle.pipelines.sources.SourceFixtures.writeText;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.dalle.pipelines.testing.TestPipelineExtension;
import org.dalle.schemas.RawExample;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CocoSourceTest {
  @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();
  @TempDir Path dir;

  private static final String IMAGES =
      """
      "images": [
        {"license": 3, "file_name": "COCO_1.jpg", "id": 1, "height": 16, "width": 16},
        {"id": 2, "file_name": "COCO_2.png"},
        {"id": 3, "file_name": "COCO_3_gone.jpg"},
        {"id": 4, "file_name": "COCO_4.jpg", "extra": {"nested": [1, 2]}}
      ]""";
  private static final String ANNOTATIONS =
      """
      "annotations": [
        {"image_id": 1, "id": 10, "caption": "A red ball on grass."},
        {"image_id": 1, "id": 11, "caption": "a ball"},
        {"image_id": 1, "id": 17, "caption": "Une balle rouge."},
        {"image_id": 2, "id": 12, "caption": "two cats"},
        {"image_id": 99, "id": 13, "caption": "nobody's image"},
        {"image_id": 3, "id": 14, "caption": "lost"}
      ]""";

  private byte[] image1;
  private byte[] image2;
  private byte[] image4;

  @BeforeEach
  void writeImages() throws Exception {
    image1 = write(dir, "imgs/COCO_1.jpg", image("jpg", 1));
    image2 = write(dir, "imgs/COCO_2.png", image("png", 2));
    image4 = write(dir, "imgs/COCO_4.jpg", image("jpg", 4));
  }

  private String spec(String annotationsFile) {
    return dir.resolve(annotationsFile) + ":" + dir.resolve("imgs");
  }

  private static Map<String, String> attributes(long imageId, String fileName) {
    return Map.of("image_id", Long.toString(imageId), "coco_file_name", fileName);
  }

  @Test
  void emitsOneRecordPerImageCaptionPairAndRejectsWhatItCannotRead() throws Exception {
    writeText(
        dir, "captions.json", "{\"info\": {\"year\": 2014}, " + IMAGES + ", " + ANNOTATIONS + "}");

    PCollectionTuple out =
        beam.pipeline()
            .apply(CocoSource.fromSpec(spec("captions.json"), SourceConfig.builder().build()));

    PAssert.that(out.get(ImageSource.EXAMPLES))
        .containsInAnyOrder(
            SourceRecords.example(
                "coco",
                "COCO_1.jpg#10",
                image1,
                "A red ball on grass.",
                attributes(1, "COCO_1.jpg")),
            SourceRecords.example(
                "coco", "COCO_1.jpg#11", image1, "a ball", attributes(1, "COCO_1.jpg")),
            SourceRecords.example(
                "coco", "COCO_1.jpg#17", image1, "Une balle rouge.", attributes(1, "COCO_1.jpg")),
            SourceRecords.example(
                "coco", "COCO_2.png#12", image2, "two cats", attributes(2, "COCO_2.png")),
            SourceRecords.example("coco", "COCO_4.jpg", image4, null, attributes(4, "COCO_4.jpg")));
    PAssert.that(out.get(ImageSource.REJECTED))
        .containsInAnyOrder(
            SourceRecords.rejected(
                "coco",
                "image_id=99#13",
                "unknown_image_id",
                "annotation 13 refers to image id 99, which the \"images\" array does not list"),
            SourceRecords.rejected(
                "coco",
                "COCO_3_gone.jpg#14",
                "image_missing",
                "image id 3 names file "
                    + dir.resolve("imgs/COCO_3_gone.jpg")
                    + ", which does not exist"));
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void oneCaptionPerImageIsChosenBySeedAndImageIdWhateverTheFileOrder() throws Exception {
    writeText(dir, "forward.json", "{" + IMAGES + ", " + ANNOTATIONS + "}");
    // The same data with both arrays reversed and the annotations before the images.
    writeText(
        dir, "reversed.json", "{" + reverseLines(ANNOTATIONS) + ", " + reverseLines(IMAGES) + "}");
    long seed = 7;
    SourceConfig config = SourceConfig.builder().oneCaptionPerImage(true).seed(seed).build();
    List<Long> image1Annotations = List.of(10L, 11L, 17L);
    List<String> image1Captions = List.of("A red ball on grass.", "a ball", "Une balle rouge.");
    int chosen = CaptionChoice.index(seed, "1", 3);
    // With the middle caption chosen, reversing the file could not reveal an order dependence.
    assertNotEquals(1, chosen, "pick a seed that chooses the first or last caption");
    List<RawExample> expected =
        List.of(
            SourceRecords.example(
                "coco",
                "COCO_1.jpg#" + image1Annotations.get(chosen),
                image1,
                image1Captions.get(chosen),
                attributes(1, "COCO_1.jpg")),
            SourceRecords.example(
                "coco", "COCO_2.png#12", image2, "two cats", attributes(2, "COCO_2.png")),
            SourceRecords.example("coco", "COCO_4.jpg", image4, null, attributes(4, "COCO_4.jpg")));

    PCollectionTuple forward =
        beam.pipeline().apply("Forward", CocoSource.fromSpec(spec("forward.json"), config));
    PCollectionTuple reversed =
        beam.pipeline().apply("Reversed", CocoSource.fromSpec(spec("reversed.json"), config));

    PAssert.that(forward.get(ImageSource.EXAMPLES)).containsInAnyOrder(expected);
    PAssert.that(reversed.get(ImageSource.EXAMPLES)).containsInAnyOrder(expected);
    beam.pipeline().run().waitUntilFinish();
  }

  /** Reverses the entry lines of an array literal, keeping commas between entries. */
  private static String reverseLines(String arrayField) {
    String[] lines = arrayField.strip().split("\n");
    List<String> entries = new ArrayList<>();
    for (int i = 1; i < lines.length - 1; i++) {
      entries.add(lines[i].strip().replaceAll(",$", ""));
    }
    Collections.reverse(entries);
    return lines[0] + "\n" + String.join(",\n", entries) + "\n]";
  }
}
