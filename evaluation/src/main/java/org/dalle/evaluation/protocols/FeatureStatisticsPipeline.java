package org.dalle.evaluation.protocols;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.evaluation.features.FeatureNetwork;
import org.dalle.evaluation.features.FeatureNetworks;
import org.dalle.evaluation.metrics.FeatureStatistics;
import org.dalle.pipelines.io.CommitStagedOutput;
import org.dalle.pipelines.io.PipelineProgress;
import org.dalle.pipelines.io.StagedOutput;
import org.dalle.pipelines.io.StagedRun;
import org.dalle.schemas.Rejected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code dalle eval-features} job: the FID statistics and Inception Scores of a set of images
 * after each Gaussian blur of the sweep (DALL·E paper, section 3.2, figure 9), on any Beam runner.
 * Outputs under {@code out}, staged and committed together ({@link StagedOutput}): {@code
 * stats_r<r>.npz} (mu, sigma; pytorch-fid's layout) and, when the network has a classifier head,
 * {@code is_r<r>.json} per radius; {@code rejected/*.avro} (images that could not be used, with the
 * reason); {@code summary.json} ({@link FeatureStatisticsSummary}), written last.
 */
public final class FeatureStatisticsPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(FeatureStatisticsPipeline.class);

  /** Namespace of the job's Beam counters. */
  public static final String METRICS = "eval-features";

  public static final String MARKER = "summary.json";
  static final String COUNTS = "counts/counts.tsv";
  static final List<String> OUTPUTS = List.of("stats_r*.npz", "is_r*.json", "rejected", "counts");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private FeatureStatisticsPipeline() {}

  /**
   * Builds the pipeline: it writes into {@code output}'s staging directory and, as its last step,
   * checks and summarises what it wrote ({@code description} names the network) and commits.
   */
  static void build(
      Pipeline pipeline, EvalFeaturesConfig config, String description, StagedOutput output) {
    ImageInput input = ImageInput.parse(config.images());
    PCollectionTuple read =
        pipeline.apply("ReadImages", new ReadImageInputs(input, config.shuffleBuckets()));
    PCollectionTuple stats =
        read.get(ReadImageInputs.IMAGES)
            .apply(
                "BlurredFeatureStatistics",
                new BlurredFeatureStatistics(config, input.sourceName()));
    String staging = output.stagingPath("").replaceAll("/$", "");

    PCollection<Rejected> rejected =
        PCollectionList.of(read.get(ReadImageInputs.REJECTED))
            .and(stats.get(BlurredFeatureStatistics.REJECTED))
            .apply("AllRejected", Flatten.pCollections())
            .setCoder(AvroCoder.of(Rejected.class));
    List<PCollection<?>> writes = new ArrayList<>();
    writes.add(output.writeAvro("WriteRejected", rejected, Rejected.class, "rejected/part"));

    PCollection<String> radiusCounts =
        stats
            .get(BlurredFeatureStatistics.MOMENTS)
            .apply("WriteStatistics", ParDo.of(new WriteStatisticsFn(staging)));
    PCollection<String> scoreCounts =
        stats
            .get(BlurredFeatureStatistics.LOGITS)
            .apply(
                "WriteInceptionScores",
                ParDo.of(new WriteInceptionScoreFn(staging, config.splits())));

    PCollection<String> imageCounts =
        PCollectionList.of(name(read.get(ReadImageInputs.IMAGES), "NameRead", "read"))
            .and(name(read.get(ReadImageInputs.REJECTED), "NameUnread", "read"))
            .and(name(stats.get(BlurredFeatureStatistics.USED), "NameUsed", "used"))
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
    // The statistics and score files are written once their count lines are out.
    writes.add(radiusCounts);
    writes.add(scoreCounts);
    writes.add(
        PCollectionList.of(imageCounts)
            .and(radiusCounts.setCoder(StringUtf8Coder.of()))
            .and(scoreCounts.setCoder(StringUtf8Coder.of()))
            .apply("AllCounts", Flatten.pCollections())
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
            writes, output, staged -> finish(config, description, staged::readStagedLines)));
  }

  /**
   * The job's last step: the summary of what the job wrote is the marker's text; it fails the job
   * when a radius has fewer than 2 usable images.
   */
  static String finish(
      EvalFeaturesConfig config, String description, Function<String, List<String>> files) {
    Map<String, Object> json = summarize(config, description, files).toJsonMap();
    json.put("settings", settings(config));
    return toJson(json);
  }

  private static <T> PCollection<String> name(PCollection<T> collection, String step, String n) {
    return collection.apply(step, MapElements.into(TypeDescriptors.strings()).via((T e) -> n));
  }

  /**
   * Runs the job to completion. Loads the feature network once first, so a bad network fails before
   * any worker starts.
   *
   * @param overwrite replace a complete output already in {@code config.out()}
   * @throws IllegalArgumentException for bad settings or inputs, or when a radius ends with fewer
   *     than 2 usable images
   */
  public static FeatureStatisticsSummary run(
      EvalFeaturesConfig config, PipelineOptions options, boolean overwrite) throws IOException {
    Started started = start(config, options, overwrite);
    started.run.awaitCommit(
        new PipelineProgress(
            "eval-features",
            METRICS,
            "read",
            ReadImageInputs.expectedImages(ImageInput.parse(config.images()))));
    return summarize(config, started.description, started.run.output()::readCommittedLines);
  }

  /**
   * Writes the job's template for a runner that runs it later, without this process (a Dataflow
   * Flex Template launch), after loading the network as {@link #run} does; the job commits its own
   * output when it finishes.
   *
   * @throws IllegalArgumentException when {@code options} would run the job here
   */
  public static void launch(EvalFeaturesConfig config, PipelineOptions options, boolean overwrite)
      throws IOException {
    StagedRun.checkCreatesTemplate("eval-features", options);
    start(config, options, overwrite).run.handOver();
  }

  private record Started(StagedRun run, String description) {}

  private static Started start(
      EvalFeaturesConfig config, PipelineOptions options, boolean overwrite) throws IOException {
    config.validate();
    FileSystems.setDefaultPipelineOptions(options);
    String description;
    boolean hasLogits;
    try (FeatureNetwork network = FeatureNetworks.open(config.features())) {
      description = network.describe();
      hasLogits = network.hasLogits();
    }
    StagedRun.configureRunner(options);
    StagedOutput output = StagedOutput.begin(config.out(), MARKER, overwrite, OUTPUTS);
    Pipeline pipeline = Pipeline.create(options);
    build(pipeline, config, description, output);
    LOG.info(
        "eval-features: {} through {} ({}), blur radii {}, into {}",
        config.images(),
        config.features(),
        hasLogits ? "features and logits" : "features only, no Inception Score",
        config.blur().stream().map(BlurRadii::label).toList(),
        config.out());
    return new Started(StagedRun.start("eval-features", pipeline, output), description);
  }

  /** The summary of the job's files, read through {@code files} (relative path → lines). */
  private static FeatureStatisticsSummary summarize(
      EvalFeaturesConfig config, String description, Function<String, List<String>> files) {
    Map<String, Long> counts = FeatureStatisticsSummary.parseCounts(files.apply(COUNTS));
    long read = counts.getOrDefault("read", 0L);
    long used = counts.getOrDefault("used", 0L);
    Map<String, Long> rejected = FeatureStatisticsSummary.rejections(counts);
    if (used < 2) {
      throw new IllegalArgumentException(
          config.images()
              + ": "
              + used
              + " of "
              + read
              + " images could be used"
              + (rejected.isEmpty() ? "" : " (rejected: " + rejected + ")")
              + "; the covariance needs at least 2");
    }
    List<String> warnings = new ArrayList<>();
    List<FeatureStatisticsSummary.Radius> radii = new ArrayList<>();
    for (double radius : config.blur()) {
      String label = BlurRadii.label(radius);
      long images = counts.getOrDefault("radius/" + label + "/images", 0L);
      int dimension = counts.getOrDefault("radius/" + label + "/dimension", 0L).intValue();
      String isFile = null;
      OptionalDouble mean = OptionalDouble.empty();
      OptionalDouble std = OptionalDouble.empty();
      if (counts.containsKey("radius/" + label + "/is_images")) {
        isFile = BlurRadii.inceptionScoreFile(label);
        JsonNode score = readJson(files, isFile);
        if (score.path("mean").isNumber()) {
          mean = OptionalDouble.of(score.get("mean").asDouble());
          std = OptionalDouble.of(score.get("std").asDouble());
        } else {
          warnings.add("radius " + label + ": " + score.path("skipped").asText());
        }
      }
      radii.add(
          new FeatureStatisticsSummary.Radius(
              radius, images, dimension, BlurRadii.statisticsFile(label), isFile, mean, std));
      if (images < dimension) {
        warnings.add(
            "radius " + label + ": " + FeatureStatistics.rankDeficiencyMessage(images, dimension));
      }
    }
    return new FeatureStatisticsSummary(
        config.images(),
        config.features() + " (" + description + ")",
        read,
        used,
        rejected,
        radii,
        warnings);
  }

  private static JsonNode readJson(Function<String, List<String>> files, String file) {
    try {
      return JSON.readTree(String.join("\n", files.apply(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + file, e);
    }
  }

  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("could not serialise the summary", e);
    }
  }

  static Map<String, Object> settings(EvalFeaturesConfig config) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("blur", config.blur());
    map.put("square_size", config.squareSize());
    map.put("batch_size", config.batchSize());
    map.put("inception_score_splits", config.splits());
    return map;
  }
}
