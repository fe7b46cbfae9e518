package org.dalle.jobs.sample;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.util.ReleaseInfo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.pipelines.captions.CaptionFile;
import org.dalle.pipelines.io.CommitStagedOutput;
import org.dalle.pipelines.io.PipelineProgress;
import org.dalle.pipelines.io.StagedOutput;
import org.dalle.pipelines.io.StagedRun;
import org.dalle.schemas.Rejected;
import org.dalle.schemas.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampling job on Beam, for many captions (COCO-30k and the like): the same {@link
 * RerankingSampler} as {@link CaptionSampler}, with the models loaded once per worker, so the same
 * seed gives the same records. Outputs under {@code out}: {@code samples/*.avro} ({@link Sample}),
 * {@code rejected/*.avro} (captions that could not be read or sampled, with the reason), {@code
 * run.json} and {@code summary.json}, written last: a directory without it is incomplete.
 */
public final class SamplePipeline {
  private static final Logger LOG = LoggerFactory.getLogger(SamplePipeline.class);

  /** Namespace of the job's Beam counters. */
  public static final String METRICS = "sample";

  public static final String MARKER = "summary.json";
  static final List<String> OUTPUTS = List.of("samples", "rejected", "counts", "run.json");
  static final String COUNTS = "counts/counts.tsv";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SamplePipeline() {}

  /**
   * Reads, samples and writes into {@code output}'s staging directory; as its last step, stages
   * {@code runJson} and commits the output with its counts as the summary.
   */
  static void build(
      Pipeline pipeline,
      SamplePipelineConfig config,
      RerankerLoader.Factory reranker,
      StagedOutput output,
      String runJson) {
    PCollectionTuple read = pipeline.apply("ReadCaptions", new ReadCaptions(config.captions()));
    PCollectionTuple sampled =
        read.get(ReadCaptions.CAPTIONS)
            .apply("SampleCaptions", new SampleCaptions(config, reranker));
    PCollection<Rejected> rejected =
        PCollectionList.of(read.get(ReadCaptions.REJECTED))
            .and(sampled.get(SampleCaptions.REJECTED))
            .apply("AllRejected", Flatten.pCollections());
    List<PCollection<?>> writes = new ArrayList<>();
    writes.add(
        output.writeAvro(
            "WriteSamples", sampled.get(SampleCaptions.SAMPLES), Sample.class, "samples/part"));
    writes.add(output.writeAvro("WriteRejected", rejected, Rejected.class, "rejected/part"));
    PCollection<String> counts =
        PCollectionList.of(
                sampled
                    .get(SampleCaptions.SAMPLES)
                    .apply(
                        "NameImages",
                        MapElements.into(TypeDescriptors.strings()).via(s -> "images")))
            .and(
                rejected.apply(
                    "NameRejections",
                    MapElements.into(TypeDescriptors.strings())
                        .via(r -> "rejected/" + r.getStage() + "/" + r.getReason())))
            .apply("AllCounterNames", Flatten.pCollections())
            .apply("CountNames", Count.perElement())
            .apply(
                "FormatCounts",
                MapElements.into(TypeDescriptors.strings())
                    .via(kv -> kv.getKey() + "\t" + kv.getValue()));
    writes.add(
        counts
            .apply(
                "WriteCounts",
                TextIO.write()
                    .to(output.stagingPath(COUNTS))
                    .withoutSharding()
                    .<Void>withOutputFilenames())
            .getPerDestinationOutputFilenames());
    pipeline.apply(
        "CommitOutput",
        CommitStagedOutput.after(
            writes,
            output,
            staged -> {
              staged.writeStaged("run.json", runJson);
              return toJson(summary(staged.readStagedLines(COUNTS)));
            }));
  }

  /** The {@code summary.json} counts: {@code images} (0 when none), then every counted name. */
  static Map<String, Long> summary(List<String> countLines) {
    Map<String, Long> summary = new TreeMap<>();
    summary.put("images", 0L);
    for (String line : countLines) {
      String[] parts = line.split("\t");
      summary.put(parts[0], Long.parseLong(parts[1]));
    }
    return summary;
  }

  /**
   * Runs the job to completion and returns its summary ({@code images}, {@code rejected/...}
   * counts). Checks the captions and opens the reranker once before any work.
   *
   * @param reranker opens the reranker on each worker; null to run without one
   * @param overwrite replace a complete output already in {@code config.out()}
   */
  public static Map<String, Long> run(
      SamplePipelineConfig config,
      RerankerLoader.Factory reranker,
      PipelineOptions options,
      boolean overwrite)
      throws IOException {
    config.validate();
    RerankingSampler.checkSettings(config.settings(), reranker != null);
    FileSystems.setDefaultPipelineOptions(options);
    checkCaptions(config.captions());
    String description = null;
    if (reranker != null) {
      try (ImageTextScorer scorer = reranker.open()) {
        description = scorer.describe();
      }
    }
    Map<String, Object> manifest =
        SampleManifest.of(
            "beam",
            config.transformer(),
            config.dvae(),
            config.clip(),
            description,
            config.captions(),
            config.candidates(),
            config.keep(),
            config.batchSize(),
            config.sampling(),
            config.seed());
    manifest.put("runner", options.getRunner().getName());
    manifest.put("beam", ReleaseInfo.getReleaseInfo().getVersion());
    StagedRun.configureRunner(options);
    StagedOutput output = StagedOutput.begin(config.out(), MARKER, overwrite, OUTPUTS);
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, config, reranker, output, toJson(manifest));
    LOG.info(
        String.format(
            "sample: captions %s → %s, %d candidates per caption, keeping %d%s",
            config.captions(),
            config.out(),
            config.candidates(),
            config.keep(),
            description == null ? " (no reranker)" : " by " + description));
    StagedRun run = StagedRun.start("sample", pipeline, output);
    run.awaitCommit(
        new PipelineProgress(
            "sample", METRICS, "captions", ReadCaptions.expectedCaptions(config.captions())));
    return summary(output.readCommittedLines(COUNTS));
  }

  /**
   * Fails before the pipeline starts when {@code pattern} matches no file, or an Avro caption file
   * holds records without string {@code id} and {@code caption}.
   */
  static void checkCaptions(String pattern) {
    List<MatchResult.Metadata> files;
    try {
      files = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW).metadata();
    } catch (IOException e) {
      throw new UncheckedIOException("could not list --captions " + pattern, e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "--captions " + pattern + " matches no file; expected a .jsonl, .avro or text file");
    }
    if (CaptionFile.Format.of(pattern) == CaptionFile.Format.AVRO) {
      MatchResult.Metadata first = files.get(0);
      try (InputStream in = Channels.newInputStream(FileSystems.open(first.resourceId()));
          DataFileStream<GenericRecord> records =
              new DataFileStream<>(in, new GenericDatumReader<>())) {
        CaptionFile.checkAvroSchema(records.getSchema(), first.resourceId().toString());
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--captions " + first.resourceId() + " is not a readable Avro file: " + e.getMessage(),
            e);
      }
    }
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not serialise " + value.getClass().getSimpleName(), e);
    }
  }
}
