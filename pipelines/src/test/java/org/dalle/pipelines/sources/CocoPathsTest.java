package org.dalle.pipelines.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CocoPathsTest {
  @Test
  void splitsAtTheColonThatIsNotPartOfAUri() {
    assertEquals(
        new CocoPaths("/data/captions.json", "/data/train2014"),
        CocoPaths.parse("/data/captions.json:/data/train2014"));
    assertEquals(
        new CocoPaths("gs://b/a.json", "gs://b/imgs"),
        CocoPaths.parse("gs://b/a.json:gs://b/imgs"));
    assertEquals(
        new CocoPaths("gs://b/a.json", "/local/imgs"),
        CocoPaths.parse("gs://b/a.json:/local/imgs"));
    assertEquals(new CocoPaths("a.json", "s3://b/imgs/"), CocoPaths.parse("a.json:s3://b/imgs/"));
  }

  @Test
  void explainsTheFormWhenTheSeparatorIsMissingOrAmbiguous() {
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> CocoPaths.parse("/data/captions.json"));
    assertTrue(
        none.getMessage()
            .startsWith(
                "source 'coco:/data/captions.json' has 0 ':' separators outside '://' where"
                    + " exactly one must separate"),
        none.getMessage());
    assertTrue(none.getMessage().contains("expected 'coco:ANNOTATIONS_JSON:IMAGES_DIR'"));

    IllegalArgumentException two =
        assertThrows(IllegalArgumentException.class, () -> CocoPaths.parse("a:b.json:/imgs"));
    assertTrue(two.getMessage().contains("has 2 ':' separators"), two.getMessage());
  }

  @Test
  void rejectsEmptyParts() {
    IllegalArgumentException images =
        assertThrows(IllegalArgumentException.class, () -> CocoPaths.parse("/data/a.json:"));
    assertTrue(images.getMessage().contains("has an empty images directory"), images.getMessage());
    IllegalArgumentException annotations =
        assertThrows(IllegalArgumentException.class, () -> CocoPaths.parse(":/data/imgs"));
    assertTrue(
        annotations.getMessage().contains("has an empty annotations path"),
        annotations.getMessage());
    IllegalArgumentException blank =
        assertThrows(IllegalArgumentException.class, () -> CocoPaths.parse(""));
    assertTrue(blank.getMessage().startsWith("source 'coco:' has no paths"), blank.getMessage());
  }

  @Test
  void theSourceFactoryUsesTheSameParsing() {
    assertThrows(
        IllegalArgumentException.class,
        () -> CocoSource.fromSpec("/only/one/path.json", SourceConfig.builder().build()));
    assertEquals(
        "coco", CocoSource.fromSpec("/a.json:/imgs", SourceConfig.builder().build()).kind());
  }
}
