package org.dalle.pipelines.encode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.ReleaseInfo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.pipelines.io.CommitStagedOutput;
import org.dalle.pipelines.io.PipelineProgress;
import org.dalle.pipelines.io.StagedOutput;
import org.dalle.pipelines.io.StagedRun;
import org.dalle.pipelines.prepare.PreparedData;
import org.dalle.schemas.CaptionedImage;
import org.dalle.schemas.Rejected;
import org.dalle.schemas.TokenizedExample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The encode job: a prepare output's {@code images/*.avro} through {@link EncodeImagesToTokens}, on
 * any Beam runner. Outputs under {@code out}: {@code tokens/*.avro} ({@link TokenizedExample}),
 * {@code rejected/*.avro}, {@code run.json} (config and versions) and {@code summary.json}, written
 * last: a directory without it is incomplete.
 */
public final class EncodePipeline {
  private static final Logger LOG = LoggerFactory.getLogger(EncodePipeline.class);

  /** Namespace of the job's Beam counters. */
  public static final String METRICS = "encode";

  public static final String MARKER = "summary.json";
  static final String COUNTS = "counts/counts.tsv";

  /** The {@code run.json} key of the prepare output the tokens were encoded from. */
  public static final String PREPARED_DATA = "prepared_data";

  static final List<String> OUTPUTS = List.of("tokens", "rejected", "counts", "run.json");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private EncodePipeline() {}

  /**
   * Builds the pipeline: it writes into {@code output}'s staging directory and, as its last step,
   * stages {@code runJson} and commits the output with its summary.
   */
  static void build(
      Pipeline pipeline, EncodeConfig config, int gridSize, StagedOutput output, String runJson) {
    PCollectionTuple result =
        pipeline
            .apply(
                "ReadImages",
                AvroIO.read(CaptionedImage.class).from(PreparedData.imagesPattern(config.data())))
            .apply("EncodeImagesToTokens", new EncodeImagesToTokens(config));
    List<PCollection<?>> writes = new ArrayList<>();
    writes.add(
        output.writeAvro(
            "WriteTokens",
            result.get(EncodeImagesToTokens.TOKENS),
            TokenizedExample.class,
            "tokens/part"));
    writes.add(
        output.writeAvro(
            "WriteRejected",
            result.get(EncodeImagesToTokens.REJECTED),
            Rejected.class,
            "rejected/part"));
    writes.add(
        result
            .get(EncodeImagesToTokens.COUNTS)
            .apply(
                "WriteCounts",
                TextIO.write()
                    .to(output.stagingPath(COUNTS))
                    .withoutSharding()
                    .<Void>withOutputFilenames())
            .getPerDestinationOutputFilenames());
    pipeline.apply(
        "CommitOutput",
        CommitStagedOutput.after(writes, output, staged -> finish(staged, gridSize, runJson)));
  }

  /**
   * The job's last step: the summary of the staged counts (every image written or rejected, or the
   * job fails) is the marker's text, and {@code run.json} is staged beside the tokens.
   */
  static String finish(StagedOutput output, int gridSize, String runJson) {
    EncodeSummary summary = EncodeSummary.fromCountLines(output.readStagedLines(COUNTS), gridSize);
    output.writeStaged("run.json", runJson);
    return toJson(summary.toJsonMap());
  }

  /**
   * Runs the job to completion and returns its summary. Checks first that {@code config.data()} is
   * a complete prepare output and that {@code config.dvae()} holds a readable export.
   *
   * @param overwrite replace a complete output already in {@code config.out()}
   */
  public static EncodeSummary run(EncodeConfig config, PipelineOptions options, boolean overwrite) {
    Started started = start(config, options, overwrite);
    started.run.awaitCommit(new PipelineProgress("encode", METRICS, "encoded", started.expected));
    return EncodeSummary.fromCountLines(
        started.run.output().readCommittedLines(COUNTS), started.model.gridSize());
  }

  /**
   * Writes the job's template for a runner that runs it later, without this process (a Dataflow
   * Flex Template launch), after the same checks as {@link #run}; the job commits its own output
   * when it finishes.
   *
   * @throws IllegalArgumentException when {@code options} would run the job here
   */
  public static void launch(EncodeConfig config, PipelineOptions options, boolean overwrite) {
    StagedRun.checkCreatesTemplate("encode", options);
    start(config, options, overwrite).run.handOver();
  }

  private record Started(StagedRun run, DvaeConfig model, long expected) {}

  private static Started start(EncodeConfig config, PipelineOptions options, boolean overwrite) {
    config.validate();
    FileSystems.setDefaultPipelineOptions(options);
    long expected = PreparedData.open(config.data()).writtenImages();
    DvaeConfig model;
    try {
      model = ImageTokenizer.readConfig(config.dvae());
    } catch (IOException e) {
      throw new IllegalArgumentException("--dvae " + config.dvae() + ": " + e.getMessage(), e);
    }
    StagedRun.configureRunner(options);
    StagedOutput output = StagedOutput.begin(config.out(), MARKER, overwrite, OUTPUTS);
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, config, model.gridSize(), output, toJson(runManifest(config, model, options)));
    LOG.info(
        String.format(
            "encode: %d images from %s into %s with the dVAE %s (%dx%d images → %dx%d tokens)",
            expected,
            config.data(),
            config.out(),
            config.dvae(),
            model.imageSize(),
            model.imageSize(),
            model.gridSize(),
            model.gridSize()));
    return new Started(StagedRun.start("encode", pipeline, output), model, expected);
  }

  /**
   * The prepare output that the encode output at {@code tokens} was encoded from, as its {@code
   * run.json} records it: {@code prepared_data}, or, in outputs written before that key, {@code
   * config.data} (relative to the folder encode ran in).
   *
   * @throws IllegalArgumentException when {@code run.json} cannot be read or names no data
   */
  public static String preparedData(String tokens) {
    String runJson = (tokens.endsWith("/") ? tokens : tokens + "/") + "run.json";
    JsonNode run;
    try {
      run = JSON.readTree(PreparedData.readText(runJson));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          runJson
              + " cannot be read ("
              + e.getMessage()
              + "); expected the run.json of dalle encode, which names the prepare output",
          e);
    }
    String data = run.path(PREPARED_DATA).asText(run.path("config").path("data").asText(""));
    if (data.isEmpty()) {
      throw new IllegalArgumentException(
          runJson + " names no prepare output; expected " + PREPARED_DATA + " or config.data");
    }
    return data;
  }

  static Map<String, Object> runManifest(
      EncodeConfig config, DvaeConfig model, PipelineOptions options) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("job", "encode");
    manifest.put("config", config);
    // Absolute, so train-transformer finds the prepared data's tokenizer from any folder.
    manifest.put(PREPARED_DATA, FileSystems.matchNewResource(config.data(), true).toString());
    manifest.put("dvae_config", model);
    manifest.put("runner", options.getRunner().getName());
    Map<String, String> versions = new LinkedHashMap<>();
    String version = EncodePipeline.class.getPackage().getImplementationVersion();
    versions.put("dalle", version == null ? "development build" : version);
    versions.put("beam", ReleaseInfo.getReleaseInfo().getVersion());
    versions.put("java", System.getProperty("java.version"));
    manifest.put("versions", versions);
    return manifest;
  }

  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("could not serialise " + value.getClass().getSimpleName(), e);
    }
  }
}
