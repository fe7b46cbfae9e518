package org.dalle.pipelines.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.models.tokenizer.TextTokens;
import org.dalle.pipelines.sources.SourceConfig;
import org.dalle.pipelines.testing.TestPipelineExtension;
import org.dalle.schemas.CaptionedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PrepareDatasetTest {
  @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();
  @TempDir Path dir;

  private PrepareConfig config(List<String> inputs, List<String> dedupAgainst) {
    return new PrepareConfig(
        inputs,
        dedupAgainst,
        dir.resolve("out").toString(),
        32,
        16,
        2.0,
        1_000_000,
        1,
        200,
        300,
        1,
        8,
        PrepareConfig.defaults().nearDuplicateThreshold(),
        SourceConfig.builder().build());
  }

  @Test
  void cleansDeduplicatesAndTokenisesEveryKindOfInput() {
    Path in = dir.resolve("in");
    BufferedImage photo = Fixtures.photo(96, 64, 1);
    Fixtures.write(in, "good.png", Fixtures.png(photo), "  A Red\tCircle ");
    Fixtures.write(in, "copy.png", Fixtures.png(photo), "a red circle");
    Fixtures.write(in, "other-caption.png", Fixtures.png(photo), "a circle that is red");
    Fixtures.write(in, "gray.jpg", Fixtures.jpeg(Fixtures.photo(64, 64, 2), 0.9f), "GRAY photo");
    Fixtures.write(in, "empty.jpg", new byte[0], "empty");
    Fixtures.write(in, "cut.jpg", Fixtures.truncated(Fixtures.jpeg(photo, 0.9f)), "cut");
    Fixtures.write(in, "text.png", "not an image".getBytes(StandardCharsets.UTF_8), "text");
    Fixtures.write(in, "tall.png", Fixtures.png(Fixtures.solid(20, 70, Color.BLUE)), "tall");
    Fixtures.write(in, "tiny.png", Fixtures.png(Fixtures.solid(10, 10, Color.BLUE)), "tiny");
    Fixtures.write(in, "nocap.png", Fixtures.png(Fixtures.photo(40, 40, 3)), null);
    Fixtures.write(in, "blank.png", Fixtures.png(Fixtures.photo(40, 40, 4)), " \t\n");

    PCollectionTuple result =
        beam.pipeline().apply(new PrepareDataset(config(List.of("folder:" + in), List.of())));

    PAssert.that(keys(result.get(PrepareDataset.IMAGES)))
        .containsInAnyOrder(
            "copy.png|a red circle|32x32|8",
            "gray.jpg|gray photo|32x32|8",
            "other-caption.png|a circle that is red|32x32|8");
    PAssert.that(
            result
                .get(PrepareDataset.REJECTED)
                .apply(
                    "RejectedKeys",
                    MapElements.into(TypeDescriptors.strings())
                        .via(r -> r.getSourceKey() + " " + r.getStage() + "/" + r.getReason())))
        .containsInAnyOrder(
            "empty.jpg decode/empty_file",
            "cut.jpg decode/truncated",
            "text.png decode/not_an_image",
            "tall.png filter/aspect_ratio",
            "tiny.png filter/too_small",
            "nocap.png caption/caption_missing",
            "blank.png caption/caption_blank");
    // The kept copy is the one with the smallest key, whatever order the runner used.
    PAssert.that(result.get(PrepareDataset.EXACT_DUPLICATES))
        .containsInAnyOrder("folder/good.png\tfolder/copy.png");
    PAssert.that(result.get(PrepareDataset.COUNTS))
        .satisfies(
            lines -> {
              Map<String, Long> counts = new TreeMap<>();
              lines.forEach(l -> counts.put(l.split("\t")[0], Long.parseLong(l.split("\t")[1])));
              assertEquals(11L, counts.get("examples"));
              assertEquals(0L, counts.getOrDefault("source_rejected", 0L));
              assertEquals(3L, counts.get("written"));
              assertEquals(1L, counts.get("exact_duplicates"));
              List<String> lineList = new ArrayList<>();
              lines.forEach(lineList::add);
              PrepareSummary summary = PrepareSummary.fromCountLines(lineList);
              assertEquals(11, summary.read());
              assertEquals(7, summary.rejected());
              return null;
            });
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void removesNearDuplicatesOfTheEvaluationSetAndListsThem() {
    Path train = dir.resolve("train");
    Path eval = dir.resolve("eval");
    for (int i = 0; i < 6; i++) {
      Fixtures.write(
          train, "t" + i + ".png", Fixtures.png(Fixtures.photo(128, 96, 100 + i)), "photo " + i);
    }
    // The evaluation set holds a re-cropped, rescaled, recompressed copy of t2, and an unrelated
    // image.
    Fixtures.write(
        eval,
        "e-copy.jpg",
        Fixtures.nearDuplicateJpeg(Fixtures.photo(128, 96, 102), 0.03, 0.7, 0.7f),
        null);
    Fixtures.write(eval, "e-other.png", Fixtures.png(Fixtures.photo(128, 96, 999)), null);

    PCollectionTuple result =
        beam.pipeline()
            .apply(
                new PrepareDataset(config(List.of("folder:" + train), List.of("folder:" + eval))));

    PAssert.that(keys(result.get(PrepareDataset.IMAGES)))
        .containsInAnyOrder(
            "t0.png|photo 0|32x32|8",
            "t1.png|photo 1|32x32|8",
            "t3.png|photo 3|32x32|8",
            "t4.png|photo 4|32x32|8",
            "t5.png|photo 5|32x32|8");
    PAssert.that(
            result
                .get(PrepareDataset.NEAR_DUPLICATES)
                .apply(
                    "WithoutDistance",
                    MapElements.into(TypeDescriptors.strings())
                        .via(l -> l.substring(0, l.lastIndexOf('\t')))))
        .containsInAnyOrder("folder/t2.png\tfolder/e-copy.jpg");
    PAssert.that(result.get(PrepareDataset.EVAL_OVERLAP)).containsInAnyOrder("folder/e-copy.jpg");
    beam.pipeline().run().waitUntilFinish();
  }

  /** "key|caption|WxH|token count", checking the token layout on the way. */
  private static PCollection<String> keys(PCollection<CaptionedImage> images) {
    return images.apply(
        "Keys",
        MapElements.into(TypeDescriptors.strings())
            .via(
                image -> {
                  int[] tokens =
                      image.getTextTokens().stream().mapToInt(Integer::intValue).toArray();
                  int real = TextTokens.unpad(tokens, 300).length;
                  if (real == 0
                      || tokens[tokens.length - 1] != 300 + tokens.length - 1
                          && real < tokens.length) {
                    throw new AssertionError("bad padding " + java.util.Arrays.toString(tokens));
                  }
                  return image.getSourceKey()
                      + "|"
                      + image.getCaption()
                      + "|"
                      + image.getWidth()
                      + "x"
                      + image.getHeight()
                      + "|"
                      + tokens.length;
                }));
  }
}
