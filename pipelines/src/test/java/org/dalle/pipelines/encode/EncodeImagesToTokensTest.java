package org.dalle.pipelines.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.dalle.pipelines.testing.TestPipelineExtension;
import org.dalle.schemas.CaptionedImage;
import org.dalle.schemas.Rejected;
import org.dalle.schemas.TokenizedExample;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class EncodeImagesToTokensTest {
  @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();

  @TempDir static Path temp;
  private static Path export;

  @BeforeAll
  static void exportModel() throws IOException {
    export = temp.resolve("dvae");
    EncodeFixtures.exportTinyDvae(export, 17);
  }

  @Test
  void batchedTokensAreIdenticalToEncodingEachImageAlone() throws IOException {
    List<CaptionedImage> records = new ArrayList<>();
    List<TokenizedExample> expected = new ArrayList<>();
    List<Integer> distinct = new ArrayList<>();
    // Five images with batches of two: two full batches and a remainder flushed with the bundle.
    for (int i = 0; i < 5; i++) {
      BufferedImage image = EncodeFixtures.image(32, i);
      CaptionedImage record = EncodeFixtures.record("img" + i, image);
      records.add(record);
      int[] tokens = EncodeFixtures.encodeAlone(export, image);
      assertEquals(64, tokens.length, "an 8x8 grid");
      distinct.add((int) Arrays.stream(tokens).distinct().count());
      expected.add(
          TokenizedExample.newBuilder()
              .setId(record.getId())
              .setCaption(record.getCaption())
              .setTextTokens(record.getTextTokens())
              .setImageTokens(Arrays.stream(tokens).boxed().toList())
              .setGridSize(8)
              .setAttributes(record.getAttributes())
              .build());
    }
    // The comparison has teeth only if the codes vary within and between images.
    assertTrue(distinct.stream().allMatch(n -> n > 1), distinct.toString());
    assertTrue(expected.stream().map(TokenizedExample::getImageTokens).distinct().count() > 1);

    PCollectionTuple out = encode(records, 2);
    PAssert.that(out.get(EncodeImagesToTokens.TOKENS)).containsInAnyOrder(expected);
    PAssert.that(out.get(EncodeImagesToTokens.REJECTED)).empty();
    PAssert.that(out.get(EncodeImagesToTokens.COUNTS)).containsInAnyOrder("read\t5", "written\t5");
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void largerSquaresAreEncodedThroughTheirCentreWindow() throws IOException {
    BufferedImage large = EncodeFixtures.image(36, 4);
    BufferedImage centre = large.getSubimage(2, 2, 32, 32);
    List<Integer> expected =
        Arrays.stream(EncodeFixtures.encodeAlone(export, centre)).boxed().toList();

    PCollectionTuple out = encode(List.of(EncodeFixtures.record("large", large)), 4);
    PAssert.that(out.get(EncodeImagesToTokens.REJECTED)).empty();
    PAssert.thatSingleton(out.get(EncodeImagesToTokens.TOKENS))
        .satisfies(
            t -> {
              assertEquals(expected, t.getImageTokens());
              return null;
            });
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void imagesOfAnotherSizeOrUnreadableAreRejected() {
    CaptionedImage good = EncodeFixtures.record("good", EncodeFixtures.image(32, 9));
    CaptionedImage small = EncodeFixtures.record("small", EncodeFixtures.image(16, 9));
    CaptionedImage broken = EncodeFixtures.record("broken", new byte[] {1, 2, 3}, 32);

    PCollectionTuple out = encode(List.of(good, small, broken), 32);
    PAssert.that(out.get(EncodeImagesToTokens.REJECTED))
        .containsInAnyOrder(
            rejected(
                "key-small",
                "wrong_size",
                "image is 16x16; the dVAE encodes 32x32 images, or the centre of larger squares"
                    + " (prepare with --image-size 32)"),
            rejected(
                "key-broken",
                "unreadable_png",
                "expected PNG bytes (signature 89 50 4E 47 0D 0A 1A 0A) but got 3 bytes"));
    PAssert.that(out.get(EncodeImagesToTokens.COUNTS))
        .containsInAnyOrder(
            "read\t3",
            "written\t1",
            "rejected/encode/wrong_size\t1",
            "rejected/encode/unreadable_png\t1");
    PAssert.thatSingleton(out.get(EncodeImagesToTokens.TOKENS))
        .satisfies(
            t -> {
              assertEquals("good", t.getId());
              assertEquals(64, t.getImageTokens().size());
              assertTrue(t.getImageTokens().stream().allMatch(c -> c >= 0 && c < 512));
              return null;
            });
    beam.pipeline().run().waitUntilFinish();
  }

  private PCollectionTuple encode(List<CaptionedImage> records, int batchSize) {
    EncodeConfig config =
        new EncodeConfig("unused-data", export.toString(), "unused-out", batchSize, 0);
    return beam.pipeline()
        .apply(Create.of(records).withCoder(AvroCoder.of(CaptionedImage.class)))
        .apply(new EncodeImagesToTokens(config));
  }

  private static Rejected rejected(String key, String reason, String detail) {
    return Rejected.newBuilder()
        .setSource("test")
        .setSourceKey(key)
        .setStage("encode")
        .setReason(reason)
        .setDetail(detail)
        .build();
  }
}
