package org.dalle.pipelines.encode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.ReleaseInfo;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.pipelines.io.PipelineProgress;
import org.dalle.pipelines.io.StagedOutput;
import org.dalle.pipelines.io.StagedRun;
import org.dalle.schemas.CaptionedImage;
import org.dalle.schemas.Rejected;
import org.dalle.schemas.TokenizedExample;

/**
 * The encode job: a prepare output's {@code images/*.avro} through {@link EncodeImagesToTokens}, on
 * any Beam runner. Outputs under {@code out}: {@code tokens/*.avro} ({@link TokenizedExample}),
 * {@code rejected/*.avro}, {@code run.json} (config and versions) and {@code summary.json}, written
 * last: a directory without it is incomplete.
 */
public final class EncodePipeline {
  /** Namespace of the job's Beam counters. */
  public static final String METRICS = "encode";

  public static final String MARKER = "summary.json";
  static final List<String> OUTPUTS = List.of("tokens", "rejected", "counts", "run.json");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private EncodePipeline() {}

  /** The pattern of the prepared images under a prepare output directory. */
  static String imagesPattern(String data) {
    return stripSlash(data) + "/images/*.avro";
  }

  /** Builds the pipeline writing into {@code output}'s staging directory. */
  static void build(Pipeline pipeline, EncodeConfig config, StagedOutput output) {
    PCollectionTuple result =
        pipeline
            .apply(
                "ReadImages", AvroIO.read(CaptionedImage.class).from(imagesPattern(config.data())))
            .apply("EncodeImagesToTokens", new EncodeImagesToTokens(config));
    result
        .get(EncodeImagesToTokens.TOKENS)
        .apply(
            "WriteTokens",
            AvroIO.write(TokenizedExample.class)
                .to(output.stagingPath("tokens/part"))
                .withSuffix(".avro"));
    result
        .get(EncodeImagesToTokens.REJECTED)
        .apply(
            "WriteRejected",
            AvroIO.write(Rejected.class)
                .to(output.stagingPath("rejected/part"))
                .withSuffix(".avro"));
    result
        .get(EncodeImagesToTokens.COUNTS)
        .apply(
            "WriteCounts",
            TextIO.write().to(output.stagingPath("counts/counts.tsv")).withoutSharding());
  }

  /**
   * Runs the job to completion and returns its summary. Checks first that {@code config.data()} is
   * a complete prepare output and that {@code config.dvae()} holds a readable export.
   *
   * @param overwrite replace a complete output already in {@code config.out()}
   */
  public static EncodeSummary run(
      EncodeConfig config, PipelineOptions options, boolean overwrite, PrintStream log) {
    config.validate();
    FileSystems.setDefaultPipelineOptions(options);
    long expected = preparedImageCount(config.data());
    DvaeConfig model;
    try {
      model = ImageTokenizer.readConfig(config.dvae());
    } catch (IOException e) {
      throw new IllegalArgumentException("--dvae " + config.dvae() + ": " + e.getMessage(), e);
    }
    StagedRun.configureRunner(options);
    StagedOutput output = StagedOutput.begin(config.out(), MARKER, overwrite, OUTPUTS);
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, config, output);
    log.printf(
        "encode: %d images from %s into %s with the dVAE %s (%dx%d images → %dx%d tokens)%n",
        expected,
        config.data(),
        config.out(),
        config.dvae(),
        model.imageSize(),
        model.imageSize(),
        model.gridSize(),
        model.gridSize());
    StagedRun.execute(
        "encode",
        pipeline,
        output,
        new PipelineProgress("encode", METRICS, "encoded", expected, log));
    EncodeSummary summary =
        EncodeSummary.fromCountLines(output.readStagedLines("counts/counts.tsv"), model.gridSize());
    output.writeStaged("run.json", toJson(runManifest(config, model, options)));
    output.commit(toJson(summary.toJsonMap()));
    return summary;
  }

  /**
   * The number of images the prepare output at {@code data} wrote, from its {@code summary.json};
   * fails when the output is incomplete or has no image files.
   */
  static long preparedImageCount(String data) {
    String summaryPath = stripSlash(data) + "/summary.json";
    JsonNode summary;
    try {
      MatchResult.Metadata file = FileSystems.matchSingleFileSpec(summaryPath);
      try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
        summary = JSON.readTree(in);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--data "
              + data
              + " is not a complete prepare output: "
              + summaryPath
              + " cannot be read ("
              + e.getMessage()
              + "); run dalle prepare --out "
              + data
              + " first",
          e);
    }
    try {
      MatchResult match =
          FileSystems.match(imagesPattern(data), EmptyMatchTreatment.ALLOW_IF_WILDCARD);
      if (match.metadata().isEmpty()) {
        throw new IllegalArgumentException(
            "--data " + data + " has no image files matching " + imagesPattern(data));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + imagesPattern(data), e);
    }
    return summary.path("written").asLong(0);
  }

  static Map<String, Object> runManifest(
      EncodeConfig config, DvaeConfig model, PipelineOptions options) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("job", "encode");
    manifest.put("config", config);
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

  private static String stripSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
