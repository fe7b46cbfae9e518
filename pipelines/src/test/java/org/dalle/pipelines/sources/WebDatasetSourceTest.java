package org.dalle.pipelines.sources;

import static java.util.Map.entry;
import static org.dalle.pipelines.sources.SourceFixtures.image;
import static org.dalle.pipelines.sources.SourceFixtures.tar;
import static org.dalle.pipelines.sources.SourceFixtures.utf8;
import static org.dalle.pipelines.sources.SourceFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.pipelines.testing.TestPipelineExtension;
import org.dalle.schemas.Rejected;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class WebDatasetSourceTest {
  @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();
  @TempDir Path dir;

  private final SourceConfig config = SourceConfig.builder().build();

  @Test
  void readsSamplesFromEveryMatchedShardAndRejectsTheBadOnes() throws Exception {
    byte[] a = image("jpg", 1);
    byte[] b = image("png", 2);
    byte[] e = image("jpg", 5);
    byte[] g = image("png", 7);
    write(
        dir,
        "shard-000.tar",
        tar(
            List.of(
                entry("a.jpg", a),
                entry("a.txt", utf8("a red square\n")),
                entry("a.json", utf8("{\"width\": 16}")),
                entry("b.png", b), // no caption
                entry("c.txt", utf8("a caption without its image")),
                entry("part/e.jpeg", e),
                entry("part/e.txt", utf8("déjà vu")),
                // The key ends at the first dot, so this field is "seg.jpg", not an image.
                entry("h.seg.jpg", image("jpg", 8)),
                entry("f.jpg", image("jpg", 6)),
                entry("f.png", image("png", 6)))));
    write(
        dir,
        "shard-001.tar.gz",
        gzip(tar(List.of(entry("g.png", g), entry("g.txt", utf8("green")), entry("a.jpg", a)))));

    PCollectionTuple out =
        beam.pipeline().apply(WebDatasetSource.fromSpec(dir + "/shard-{000..001}.tar*", config));

    PAssert.that(out.get(ImageSource.EXAMPLES))
        .containsInAnyOrder(
            SourceRecords.example("webdataset", "shard-000.tar/a", a, "a red square\n", Map.of()),
            SourceRecords.example("webdataset", "shard-000.tar/b", b, null, Map.of()),
            SourceRecords.example("webdataset", "shard-000.tar/part/e", e, "déjà vu", Map.of()),
            SourceRecords.example("webdataset", "shard-001.tar.gz/g", g, "green", Map.of()),
            SourceRecords.example("webdataset", "shard-001.tar.gz/a", a, null, Map.of()));
    PAssert.that(out.get(ImageSource.REJECTED))
        .containsInAnyOrder(
            SourceRecords.rejected(
                "webdataset",
                "shard-000.tar/c",
                "image_missing",
                "sample has no jpg/jpeg/png/webp file (fields: txt)"),
            SourceRecords.rejected(
                "webdataset",
                "shard-000.tar/h",
                "image_missing",
                "sample has no jpg/jpeg/png/webp file (fields: seg.jpg)"),
            SourceRecords.rejected(
                "webdataset",
                "shard-000.tar/f",
                "multiple_images",
                "sample has several image files; expected exactly one (fields: jpg, png)"));
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void aKeyRepeatedLaterInTheShardIsRejected() throws Exception {
    byte[] a = image("jpg", 1);
    write(dir, "dup.tar", tar(List.of(entry("a.jpg", a), entry("b.jpg", a), entry("a.jpg", a))));

    PCollectionTuple out = beam.pipeline().apply(WebDatasetSource.fromSpec(dir + "/*.tar", config));

    PAssert.that(out.get(ImageSource.EXAMPLES))
        .containsInAnyOrder(
            SourceRecords.example("webdataset", "dup.tar/a", a, null, Map.of()),
            SourceRecords.example("webdataset", "dup.tar/b", a, null, Map.of()));
    PAssert.that(out.get(ImageSource.REJECTED))
        .containsInAnyOrder(
            SourceRecords.rejected(
                "webdataset",
                "dup.tar/a",
                "duplicate_key",
                "key a appears again after other keys or repeats a field (fields: jpg)"));
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void aTruncatedShardKeepsTheSamplesBeforeTheDamageAndIsRejected() throws Exception {
    byte[] a = image("jpg", 1);
    byte[] whole =
        tar(
            List.of(
                entry("a.jpg", a),
                entry("a.txt", utf8("first")),
                entry("b.jpg", image("jpg", 2)),
                entry("b.txt", utf8("second"))));
    // Cut inside the data of b.jpg: its 512-byte header is followed by more than 100 bytes.
    int bHeader = indexOf(whole, utf8("b.jpg"));
    write(dir, "broken.tar", Arrays.copyOf(whole, bHeader + 512 + 100));

    PCollectionTuple out =
        beam.pipeline().apply(WebDatasetSource.fromSpec(dir + "/broken.tar", config));

    PAssert.that(out.get(ImageSource.EXAMPLES))
        .containsInAnyOrder(
            SourceRecords.example("webdataset", "broken.tar/a", a, "first", Map.of()));
    PAssert.that(
            out.get(ImageSource.REJECTED)
                .apply(
                    MapElements.into(TypeDescriptors.strings()).via(WebDatasetSourceTest::summary)))
        .containsInAnyOrder(
            "broken.tar read corrupt_shard shard "
                + dir.resolve("broken.tar")
                + " is corrupt or truncated after 1 samples, at or after entry b.jpg (sample b"
                + " incomplete)");
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void explainsAMissingOrMalformedPattern() {
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> WebDatasetSource.fromSpec("", config));
    assertTrue(none.getMessage().contains("'webdataset:/data/shards/*.tar'"), none.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> WebDatasetSource.fromSpec("/s/{0..9.tar", config));
    assertEquals("webdataset", WebDatasetSource.fromSpec("/s/*.tar", config).kind());
  }

  /** Key, stage, reason and the detail up to the parser's own message. */
  private static String summary(Rejected rejected) {
    String detail = rejected.getDetail();
    int parserMessage = detail.indexOf(": ", detail.indexOf("incomplete)"));
    return rejected.getSourceKey()
        + " "
        + rejected.getStage()
        + " "
        + rejected.getReason()
        + " "
        + (parserMessage < 0 ? detail : detail.substring(0, parserMessage));
  }

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(data);
    }
    return bytes.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    String text = new String(haystack, StandardCharsets.ISO_8859_1);
    return text.indexOf(new String(needle, StandardCharsets.ISO_8859_1));
  }
}
