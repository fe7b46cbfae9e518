package org.dalle.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.jobs.testing.TestPipelineExtension;
import org.dalle.models.transformer.SamplingOptions;
import org.dalle.schemas.Sample;
import org.dalle.schemas.TokenizedExample;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Beam variant gives the single-process job's records, and dead-letters bad captions. */
class SamplePipelineTest {

  private static final List<SampleCaption> CAPTIONS =
      List.of(
          new SampleCaption("a", "a red circle"),
          new SampleCaption("b", "red"),
          new SampleCaption("c", "circle red circle"));

  @TempDir static Path shared;
  static SampleFixtures.Models models;

  /** The single-process job's records for {@link #CAPTIONS}: 3 of 4 candidates, seed 5. */
  static List<Sample> expected;

  @TempDir Path dir;
  @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();

  @BeforeAll
  static void sampleInOneProcess() throws IOException {
    models = SampleFixtures.writeModels(shared);
    Path out = shared.resolve("plain");
    CaptionSampler.run(
        new SampleConfig(
            models.transformer().toString(),
            models.dvae().toString(),
            null,
            "test",
            CAPTIONS,
            out.toString(),
            4,
            3,
            4,
            SamplingOptions.paper(),
            5,
            null,
            0),
        new SampleFixtures.Redness(),
        false);
    expected = SampleFixtures.readSamples(out.resolve(SampleOutput.SAMPLES));
    assertEquals(9, expected.size());
  }

  private static SamplePipelineConfig config(String captions, String out, int batchSize) {
    return new SamplePipelineConfig(
        models.transformer().toString(),
        models.dvae().toString(),
        null,
        captions,
        out,
        4,
        3,
        batchSize,
        1f,
        0,
        1f,
        5,
        1,
        2);
  }

  @Test
  void givesTheSingleProcessRecordsAndDeadLettersBadCaptions() throws IOException {
    Path jsonl = dir.resolve("captions.jsonl");
    List<String> lines = new ArrayList<>();
    for (SampleCaption c : CAPTIONS) {
      lines.add("{\"id\": \"" + c.id() + "\", \"caption\": \"" + c.caption() + "\", \"x\": 1}");
    }
    lines.add("");
    lines.add("{\"id\": \"d\", \"caption\": ");
    lines.add("{\"id\": \"e\", \"caption\": \"\\u0001\\u0002\"}");
    Files.write(jsonl, lines);

    SamplePipelineConfig config = config(jsonl.toString(), dir.toString(), 3);
    PCollectionTuple read =
        beam.pipeline().apply("ReadCaptions", new ReadCaptions(config.captions()));
    PCollectionTuple sampled =
        read.get(ReadCaptions.CAPTIONS)
            .apply(new SampleCaptions(config, SampleFixtures.Redness.FACTORY));
    PAssert.that(sampled.get(SampleCaptions.SAMPLES)).containsInAnyOrder(expected);
    PAssert.that(reasons(read.get(ReadCaptions.REJECTED), "Read"))
        .containsInAnyOrder(jsonl + ":5 read/bad_caption_line");
    PAssert.that(reasons(sampled.get(SampleCaptions.REJECTED), "Sample"))
        .containsInAnyOrder("e sample/caption_blank");
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void runsOnAvroCaptionsAndWritesAStagedOutput() throws IOException {
    Path avro = dir.resolve("tokens.avro");
    try (DataFileWriter<TokenizedExample> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(TokenizedExample.class))) {
      writer.create(TokenizedExample.getClassSchema(), avro.toFile());
      for (SampleCaption c : CAPTIONS) {
        writer.append(
            TokenizedExample.newBuilder()
                .setId(c.id())
                .setCaption(c.caption())
                .setTextTokens(List.of())
                .setImageTokens(List.of())
                .setGridSize(4)
                .build());
      }
    }
    Path out = dir.resolve("out");
    Map<String, Long> summary =
        SamplePipeline.run(
            config(avro.toString(), out.toString(), 8),
            SampleFixtures.Redness.FACTORY,
            PipelineOptionsFactory.create(),
            false);
    assertEquals(9L, summary.get("images"));
    List<Sample> samples = new ArrayList<>(SampleFixtures.readSamples(out.resolve("samples")));
    samples.sort(Comparator.comparing(Sample::getCaptionId).thenComparing(Sample::getRank));
    assertEquals(expected, samples);
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("run.json").toFile());
    assertEquals("redness test double", manifest.at("/models/reranker").asText());
    assertEquals("beam", manifest.get("variant").asText());
    assertEquals(5, manifest.at("/settings/seed").asLong());
    assertTrue(Files.isRegularFile(out.resolve(SamplePipeline.MARKER)));

    IllegalArgumentException noKeep =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SamplePipeline.run(
                    config(avro.toString(), dir.resolve("x").toString(), 8),
                    null,
                    PipelineOptionsFactory.create(),
                    false));
    assertTrue(noKeep.getMessage().contains("needs a reranker"), noKeep.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SamplePipeline.run(
                    config(dir.resolve("none.jsonl").toString(), dir.resolve("x").toString(), 8),
                    SampleFixtures.Redness.FACTORY,
                    PipelineOptionsFactory.create(),
                    false));
    assertTrue(missing.getMessage().contains("matches no file"), missing.getMessage());
  }

  private static PCollection<String> reasons(
      PCollection<org.dalle.schemas.Rejected> rejected, String step) {
    return rejected.apply(
        step + "Reasons",
        MapElements.into(TypeDescriptors.strings())
            .via(r -> r.getSourceKey() + " " + r.getStage() + "/" + r.getReason()));
  }
}
