package org.dalle.pipelines.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.dalle.pipelines.prepare.PrepareSummary;
import org.dalle.pipelines.testing.AvroFiles;
import org.dalle.schemas.CaptionedImage;
import org.dalle.schemas.Rejected;
import org.dalle.schemas.TokenizedExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole encode job, sinks and staged output included, on the Direct runner. */
class EncodePipelineTest {
  @TempDir Path dir;

  @Test
  void writesCompleteOutputsWithTheTokensOfEachImageAlone() throws IOException {
    Path export = dir.resolve("dvae");
    EncodeFixtures.exportTinyDvae(export, 3);
    Map<String, BufferedImage> images = new TreeMap<>();
    List<CaptionedImage> records = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      BufferedImage image = EncodeFixtures.image(32, 100 + i);
      images.put("img" + i, image);
      records.add(EncodeFixtures.record("img" + i, image));
    }
    records.add(EncodeFixtures.record("small", EncodeFixtures.image(16, 1)));
    Path data = preparedData(records);
    Path out = dir.resolve("tokens-run");

    EncodeSummary summary =
        EncodePipeline.run(
            new EncodeConfig(data.toString(), export.toString(), out.toString(), 3, 0),
            direct(),
            false);

    assertEquals(new EncodeSummary(8, 7, 1, Map.of("encode/wrong_size", 1L), 8), summary);
    JsonNode json = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(8, json.get("read").asLong());
    assertEquals(7, json.get("written").asLong());
    assertEquals(1, json.get("rejected_by_reason").get("encode/wrong_size").asLong());
    JsonNode run = new ObjectMapper().readTree(out.resolve("run.json").toFile());
    assertEquals(3, run.get("config").get("batch_size").asInt());
    assertEquals(512, run.get("dvae_config").get("vocab_size").asInt());
    // The run names its prepare output absolutely, so train-transformer finds the tokenizer.
    assertEquals(data.toAbsolutePath() + "/", EncodePipeline.preparedData(out.toString()));

    List<TokenizedExample> tokens = AvroFiles.read(out.resolve("tokens"), TokenizedExample.class);
    assertEquals(7, tokens.size());
    for (TokenizedExample example : tokens) {
      int[] expected = EncodeFixtures.encodeAlone(export, images.get(example.getId()));
      int[] actual = example.getImageTokens().stream().mapToInt(Integer::intValue).toArray();
      assertArrayEquals(expected, actual, example.getId());
      assertEquals(8, example.getGridSize());
      assertEquals(List.of(example.getId().length(), 7, 300, 301), example.getTextTokens());
      assertEquals("a caption of " + example.getId(), example.getCaption());
    }
    List<Rejected> rejected = AvroFiles.read(out.resolve("rejected"), Rejected.class);
    assertEquals("key-small", rejected.get(0).getSourceKey());
    try (Stream<Path> files = Files.list(out)) {
      assertFalse(
          files.anyMatch(p -> p.getFileName().toString().startsWith(".staging")),
          "the staging directory is gone");
    }

    IllegalStateException again =
        assertThrows(
            IllegalStateException.class,
            () ->
                EncodePipeline.run(
                    new EncodeConfig(data.toString(), export.toString(), out.toString(), 3, 0),
                    direct(),
                    false));
    assertTrue(again.getMessage().contains("already complete"), again.getMessage());
  }

  @Test
  void refusesAnIncompletePrepareOutputOrAMissingExportBeforeStarting() throws IOException {
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("images"));
    Path export = dir.resolve("dvae");
    EncodeFixtures.exportTinyDvae(export, 3);
    EncodeConfig config =
        new EncodeConfig(data.toString(), export.toString(), dir.resolve("o").toString(), 4, 0);
    IllegalArgumentException incomplete =
        assertThrows(
            IllegalArgumentException.class, () -> EncodePipeline.run(config, direct(), false));
    assertTrue(
        incomplete.getMessage().contains("is not a complete prepare output"),
        incomplete.getMessage());

    Path complete = preparedData(List.of(EncodeFixtures.record("a", EncodeFixtures.image(32, 1))));
    EncodeConfig noModel =
        new EncodeConfig(
            complete.toString(),
            dir.resolve("nothing").toString(),
            dir.resolve("o").toString(),
            4,
            0);
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> EncodePipeline.run(noModel, direct(), false));
    assertTrue(missing.getMessage().contains("dvae-config.json"), missing.getMessage());
    assertFalse(Files.exists(dir.resolve("o")), "nothing is written before the checks pass");
  }

  /** A minimal complete prepare output: one Avro shard of {@code records} and a summary. */
  private Path preparedData(List<CaptionedImage> records) throws IOException {
    Path data = dir.resolve("prepared");
    Files.createDirectories(data.resolve("images"));
    try (DataFileWriter<CaptionedImage> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(CaptionedImage.class))) {
      writer.create(CaptionedImage.getClassSchema(), data.resolve("images/part-0.avro").toFile());
      for (CaptionedImage record : records) {
        writer.append(record);
      }
    }
    PrepareSummary.allWritten(records.size()).writeTo(data);
    return data;
  }

  private static PipelineOptions direct() {
    return PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create();
  }
}
