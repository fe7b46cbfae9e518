package org.dalle.pipelines.prepare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.ReleaseInfo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.dalle.pipelines.io.CommitStagedOutput;
import org.dalle.pipelines.io.PipelineProgress;
import org.dalle.pipelines.io.StagedOutput;
import org.dalle.pipelines.io.StagedRun;
import org.dalle.pipelines.sources.ImageSource;
import org.dalle.pipelines.sources.SourceSpec;
import org.dalle.schemas.CaptionedImage;
import org.dalle.schemas.Rejected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prepare job: {@link PrepareDataset} plus its sinks, run on any Beam runner. Outputs under
 * {@code out}: {@code images/*.avro}, {@code rejected/*.avro}, {@code tokenizer.json}, {@code
 * dedup/*.tsv}, {@code run.json} (resolved config and versions) and {@code summary.json}, written
 * last: a directory without it is incomplete.
 */
public final class PreparePipeline {
  /** Namespace of the job's Beam counters. */
  public static final String METRICS = "prepare";

  public static final String MARKER = "summary.json";
  private static final Logger LOG = LoggerFactory.getLogger(PreparePipeline.class);
  static final String COUNTS = "counts/counts.tsv";
  static final List<String> OUTPUTS =
      List.of("images", "rejected", "dedup", "counts", "tokenizer.json", "run.json");

  private PreparePipeline() {}

  /**
   * Builds the pipeline: it writes into {@code output}'s staging directory and, as its last step,
   * stages {@code runJson} and commits the output with its summary.
   */
  static void build(Pipeline pipeline, PrepareConfig config, StagedOutput output, String runJson) {
    PCollectionTuple result = pipeline.apply("Prepare", new PrepareDataset(config));
    List<PCollection<?>> writes = new ArrayList<>();
    writes.add(
        output.writeAvro(
            "WriteImages", result.get(PrepareDataset.IMAGES), CaptionedImage.class, "images/part"));
    writes.add(
        output.writeAvro(
            "WriteRejected", result.get(PrepareDataset.REJECTED), Rejected.class, "rejected/part"));
    writes.add(writeText(result, PrepareDataset.TOKENIZER_JSON, output, "tokenizer.json"));
    writes.add(
        writeText(result, PrepareDataset.EXACT_DUPLICATES, output, "dedup/exact_duplicates.tsv"));
    writes.add(
        writeText(
            result, PrepareDataset.NEAR_DUPLICATES, output, "dedup/removed_near_duplicates.tsv"));
    writes.add(
        writeText(result, PrepareDataset.EVAL_OVERLAP, output, "dedup/evaluation_overlap.txt"));
    writes.add(writeText(result, PrepareDataset.COUNTS, output, COUNTS));
    pipeline.apply(
        "CommitOutput",
        CommitStagedOutput.after(writes, output, staged -> finish(staged, runJson)));
  }

  private static PCollection<KV<Void, String>> writeText(
      PCollectionTuple result, TupleTag<String> tag, StagedOutput output, String relative) {
    return result
        .get(tag)
        .apply(
            "Write " + relative.substring(relative.lastIndexOf('/') + 1),
            TextIO.write()
                .to(output.stagingPath(relative))
                .withoutSharding()
                .<Void>withOutputFilenames())
        .getPerDestinationOutputFilenames();
  }

  /**
   * The job's last step: the summary of the staged counts (every record accounted for, or the job
   * fails) is the marker's text, and {@code run.json} is staged beside the data.
   */
  static String finish(StagedOutput output, String runJson) {
    PrepareSummary summary = PrepareSummary.fromCountLines(output.readStagedLines(COUNTS));
    output.writeStaged("run.json", runJson);
    return summary.toJson();
  }

  /**
   * Runs the job to completion and returns its summary.
   *
   * @param overwrite replace a complete output already in {@code config.out()}
   */
  public static PrepareSummary run(
      PrepareConfig config, PipelineOptions options, boolean overwrite) {
    StagedRun run = start(config, options, overwrite);
    run.awaitCommit(new PipelineProgress("prepare", METRICS, "read", expectedRecords(config)));
    return PrepareSummary.fromCountLines(run.output().readCommittedLines(COUNTS));
  }

  /**
   * Writes the job's template for a runner that runs it later, without this process (a Dataflow
   * Flex Template launch); the job commits its own output when it finishes.
   *
   * @throws IllegalArgumentException when {@code options} would run the job here
   */
  public static void launch(PrepareConfig config, PipelineOptions options, boolean overwrite) {
    StagedRun.checkCreatesTemplate("prepare", options);
    start(config, options, overwrite).handOver();
  }

  /**
   * The records the job will read from all its sources, training and evaluation sets alike, or 0
   * when a source cannot tell before the run ({@link ImageSource#expectedRecords}).
   */
  static long expectedRecords(PrepareConfig config) {
    long total = 0;
    for (String spec :
        Stream.concat(config.inputs().stream(), config.dedupAgainst().stream()).toList()) {
      OptionalLong records = SourceSpec.parse(spec, config.source()).expectedRecords();
      if (records.isEmpty()) {
        return 0;
      }
      total += records.getAsLong();
    }
    return total;
  }

  private static StagedRun start(PrepareConfig config, PipelineOptions options, boolean overwrite) {
    config.validate();
    FileSystems.setDefaultPipelineOptions(options);
    StagedRun.configureRunner(options);
    StagedOutput output = StagedOutput.begin(config.out(), MARKER, overwrite, OUTPUTS);
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, config, output, toJson(runManifest(config, options)));
    LOG.info("prepare: reading {} into {}", String.join(", ", config.inputs()), config.out());
    return StagedRun.start("prepare", pipeline, output);
  }

  static Map<String, Object> runManifest(PrepareConfig config, PipelineOptions options) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("job", "prepare");
    manifest.put("config", config);
    manifest.put("runner", options.getRunner().getName());
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put("dalle", versionOf(PreparePipeline.class));
    versions.put("beam", ReleaseInfo.getReleaseInfo().getVersion());
    versions.put("java", System.getProperty("java.version"));
    manifest.put("versions", versions);
    manifest.put("seed", config.source().seed());
    return manifest;
  }

  private static String versionOf(Class<?> type) {
    String version = type.getPackage().getImplementationVersion();
    return version == null ? "development build" : version;
  }

  static String toJson(Object value) {
    try {
      return new ObjectMapper()
              .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(value)
          + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("could not serialise " + value.getClass().getSimpleName(), e);
    }
  }
}
