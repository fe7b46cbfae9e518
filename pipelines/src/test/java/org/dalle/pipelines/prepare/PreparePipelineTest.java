package org.dalle.pipelines.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.tokenizer.TextTokens;
import org.dalle.pipelines.io.StagedOutput;
import org.dalle.pipelines.options.PipelineArgs;
import org.dalle.pipelines.options.Runner;
import org.dalle.pipelines.sources.SourceConfig;
import org.dalle.pipelines.testing.AvroFiles;
import org.dalle.schemas.CaptionedImage;
import org.dalle.schemas.Rejected;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole prepare job, sinks and staged output included, on the Direct runner, and on the Flink
 * runner in a jar built with -Pflink.
 */
class PreparePipelineTest {
  @TempDir Path dir;

  private PrepareConfig config(Path out) {
    Path folder = dir.resolve("folder");
    if (!Files.exists(folder)) {
      Fixtures.write(
          folder, "a.png", Fixtures.png(Fixtures.photo(64, 64, 1)), "A photo of a thing");
      Fixtures.write(
          folder, "b.png", Fixtures.png(Fixtures.photo(64, 64, 1)), "a photo of a thing");
      Fixtures.write(folder, "bad.jpg", new byte[] {1, 2, 3}, "broken");
    }
    return new PrepareConfig(
        List.of("synthetic:40,seed=3,size=32", "folder:" + folder),
        List.of(),
        out.toString(),
        32,
        16,
        2.0,
        1_000_000,
        1,
        200,
        320,
        2,
        16,
        8,
        SourceConfig.builder().build());
  }

  @Test
  void writesCompleteConsistentOutputs() throws IOException {
    Path out = dir.resolve("direct");
    PrepareSummary summary = PreparePipeline.run(config(out), direct(), false);
    // The progress line's total, counted before the run: 40 scenes and 3 image files, all read.
    assertEquals(43, PreparePipeline.expectedRecords(config(out)));
    assertEquals(43, summary.read());

    assertEquals(43, summary.read());
    assertEquals(41, summary.written());
    assertEquals(1, summary.exactDuplicates());
    assertEquals(Map.of("decode/not_an_image", 1L), summary.rejectedByReason());

    JsonNode json = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(43, json.get("read").asLong());
    assertEquals(41, json.get("written").asLong());
    JsonNode run = new ObjectMapper().readTree(out.resolve("run.json").toFile());
    assertEquals(320, run.get("config").get("vocab_size").asInt());
    assertEquals("2.70.0", run.get("versions").get("beam").asText());

    List<CaptionedImage> images = AvroFiles.read(out.resolve("images"), CaptionedImage.class);
    assertEquals(41, images.size());
    List<Rejected> rejected = AvroFiles.read(out.resolve("rejected"), Rejected.class);
    assertEquals("bad.jpg", rejected.get(0).getSourceKey());
    assertEquals(
        "folder/b.png\tfolder/a.png",
        Files.readString(out.resolve("dedup/exact_duplicates.tsv")).trim());

    // The tokenizer file is what DJL's HuggingFace binding loads, and it gives the stored tokens.
    String tokenizerJson = Files.readString(out.resolve("tokenizer.json"));
    BpeTokenizer ours = BpeTokenizer.fromTokenizerJson(tokenizerJson);
    try (HuggingFaceTokenizer hf =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(out.resolve("tokenizer.json"))
            .optAddSpecialTokens(false)
            .optTruncation(false)
            .optPadding(false)
            .build()) {
      for (CaptionedImage image : images) {
        int[] stored = image.getTextTokens().stream().mapToInt(Integer::intValue).toArray();
        assertEquals(16, stored.length);
        int[] unpadded = TextTokens.unpad(stored, ours.vocabSize());
        Encoding encoding = hf.encode(image.getCaption());
        long[] ids = encoding.getIds();
        int[] expected = new int[Math.min(ids.length, 16)];
        for (int i = 0; i < expected.length; i++) {
          expected[i] = (int) ids[i];
        }
        assertEquals(
            java.util.Arrays.toString(expected),
            java.util.Arrays.toString(unpadded),
            image.getCaption());
      }
    }
    try (Stream<Path> files = Files.list(out)) {
      assertFalse(
          files.anyMatch(p -> p.getFileName().toString().startsWith(".staging")),
          "the staging directory is gone");
    }

    IllegalStateException again =
        assertThrows(
            IllegalStateException.class, () -> PreparePipeline.run(config(out), direct(), false));
    assertTrue(again.getMessage().contains("already complete"), again.getMessage());
  }

  /**
   * What a Dataflow Flex Template launch relies on: the job alone, with no process waiting for it
   * to commit, leaves the same complete output as {@link PreparePipeline#run}.
   */
  @Test
  void theJobCommitsItsOwnOutputWithNobodyWaiting() throws IOException {
    Path waited = dir.resolve("waited");
    PreparePipeline.run(config(waited), direct(), false);
    Path alone = dir.resolve("alone");
    StagedOutput output =
        StagedOutput.begin(
            alone.toString(), PreparePipeline.MARKER, false, PreparePipeline.OUTPUTS);
    Pipeline pipeline = Pipeline.create(direct());
    PreparePipeline.build(pipeline, config(alone), output, "{\"job\": \"prepare\"}\n");
    assertFalse(output.isComplete());

    pipeline.run().waitUntilFinish();

    assertTrue(output.isComplete());
    assertEquals(
        Files.readString(waited.resolve("summary.json")),
        Files.readString(alone.resolve("summary.json")));
    assertEquals("{\"job\": \"prepare\"}\n", Files.readString(alone.resolve("run.json")));
    assertEquals(fingerprints(waited), fingerprints(alone));
    try (Stream<Path> files = Files.list(alone)) {
      assertFalse(
          files.anyMatch(p -> p.getFileName().toString().startsWith(".staging")),
          "the staging directory is gone");
    }
  }

  /** The Flink profile's test: a jar built with -Pflink runs the job on the real Flink runtime. */
  @Test
  void flinkRunnerWritesTheSameRecordsAsTheDirectRunner() throws IOException {
    assumeTrue(Runner.FLINK.isBuilt(), "needs the Flink runner: build with -Pflink");
    Path directOut = dir.resolve("direct");
    Path flinkOut = dir.resolve("flink");
    PreparePipeline.run(config(directOut), direct(), false);
    PipelineOptions flink =
        PipelineArgs.parse(
            List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=2"));
    PreparePipeline.run(config(flinkOut), flink, false);

    assertEquals(fingerprints(directOut), fingerprints(flinkOut));
    assertEquals(
        Files.readString(directOut.resolve("tokenizer.json")),
        Files.readString(flinkOut.resolve("tokenizer.json")));
    assertEquals(
        Files.readString(directOut.resolve("summary.json")),
        Files.readString(flinkOut.resolve("summary.json")));
  }

  private static PipelineOptions direct() {
    return PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create();
  }

  private static Map<String, String> fingerprints(Path out) throws IOException {
    Map<String, String> byId = new TreeMap<>();
    for (CaptionedImage image : AvroFiles.read(out.resolve("images"), CaptionedImage.class)) {
      byId.put(
          image.getId(),
          image.getSourceKey()
              + "|"
              + image.getCaption()
              + "|"
              + image.getSha256()
              + "|"
              + image.getPhash()
              + "|"
              + image.getTextTokens()
              + "|"
              + image.getAttributes());
    }
    return byId;
  }
}
