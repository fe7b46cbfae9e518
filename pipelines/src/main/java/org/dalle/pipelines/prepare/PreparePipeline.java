package org.dalle.pipelines.prepare;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.ReleaseInfo;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.dalle.pipelines.io.PipelineProgress;
import org.dalle.pipelines.io.StagedOutput;
import org.dalle.pipelines.io.StagedRun;
import org.dalle.schemas.CaptionedImage;
import org.dalle.schemas.Rejected;

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
  static final List<String> OUTPUTS =
      List.of("images", "rejected", "dedup", "counts", "tokenizer.json", "run.json");

  private PreparePipeline() {}

  /** Builds the pipeline writing into {@code output}'s staging directory. */
  static void build(Pipeline pipeline, PrepareConfig config, StagedOutput output) {
    PCollectionTuple result = pipeline.apply("Prepare", new PrepareDataset(config));
    result
        .get(PrepareDataset.IMAGES)
        .apply(
            "WriteImages",
            AvroIO.write(CaptionedImage.class)
                .to(output.stagingPath("images/part"))
                .withSuffix(".avro"));
    result
        .get(PrepareDataset.REJECTED)
        .apply(
            "WriteRejected",
            AvroIO.write(Rejected.class)
                .to(output.stagingPath("rejected/part"))
                .withSuffix(".avro"));
    writeText(result, PrepareDataset.TOKENIZER_JSON, output.stagingPath("tokenizer.json"));
    writeText(
        result, PrepareDataset.EXACT_DUPLICATES, output.stagingPath("dedup/exact_duplicates.tsv"));
    writeText(
        result,
        PrepareDataset.NEAR_DUPLICATES,
        output.stagingPath("dedup/removed_near_duplicates.tsv"));
    writeText(
        result, PrepareDataset.EVAL_OVERLAP, output.stagingPath("dedup/evaluation_overlap.txt"));
    writeText(result, PrepareDataset.COUNTS, output.stagingPath("counts/counts.tsv"));
  }

  private static void writeText(
      PCollectionTuple result, org.apache.beam.sdk.values.TupleTag<String> tag, String path) {
    result
        .get(tag)
        .apply(
            "Write " + path.substring(path.lastIndexOf('/') + 1),
            TextIO.write().to(path).withoutSharding());
  }

  /**
   * Runs the job to completion and returns its summary.
   *
   * @param overwrite replace a complete output already in {@code config.out()}
   */
  public static PrepareSummary run(
      PrepareConfig config, PipelineOptions options, boolean overwrite, PrintStream log) {
    config.validate();
    FileSystems.setDefaultPipelineOptions(options);
    StagedRun.configureRunner(options);
    StagedOutput output = StagedOutput.begin(config.out(), MARKER, overwrite, OUTPUTS);
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, config, output);
    log.println("prepare: reading " + String.join(", ", config.inputs()) + " into " + config.out());
    StagedRun.execute(
        "prepare", pipeline, output, new PipelineProgress("prepare", METRICS, "processed", 0, log));
    PrepareSummary summary =
        PrepareSummary.fromCountLines(output.readStagedLines("counts/counts.tsv"));
    output.writeStaged("run.json", toJson(runManifest(config, options)));
    output.commit(summary.toJson());
    return summary;
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
