package org.dalle.jobs.cli;

import static org.dalle.jobs.cli.CommandSupport.put;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.pipelines.io.StagedRun;
import org.dalle.pipelines.options.DallePipelineOptions;
import org.dalle.pipelines.prepare.PrepareConfig;
import org.dalle.pipelines.prepare.PreparePipeline;
import org.dalle.pipelines.prepare.PrepareSummary;
import org.dalle.pipelines.sources.SourceSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dalle prepare}: sources → clean, deduplicated, tokenised Avro shards. */
@Command(
    name = "prepare",
    header = "Sources → clean, deduplicated, tokenised Avro shards (Beam).",
    sortOptions = false,
    description = {
      "Collects image–caption pairs from one or more sources; decodes and validates images (rejecting decompression bombs, truncated and non-image files), filters on size and aspect ratio, resizes with antialiasing and centre-crops to squares, normalises captions, removes exact duplicates and near-duplicates of an evaluation set, learns a BPE vocabulary and tokenises captions. Writes images/*.avro, rejected/*.avro (with stage and reason), tokenizer.json, dedup/ lists, run.json and summary.json (last: its presence marks a complete output).",
      "",
      "Sources: " + SourceSpec.FORMS,
      ""
    })
public final class PrepareCommand implements Callable<Integer>, ConfiguredJob {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML config (see configs/prepare/); flags below override its values.")
  Path config;

  @Option(
      names = "--input",
      paramLabel = "SOURCE",
      description = "A source to read (repeatable); forms listed above.")
  List<String> inputs;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (local or gs://).")
  String out;

  @Option(
      names = "--image-size",
      paramLabel = "N",
      description = "Side of the square output images (default 256, as in the paper).")
  Integer imageSize;

  @Option(
      names = "--dedup-against",
      paramLabel = "SOURCE",
      description = {
        "An evaluation set (e.g. coco:…val2014 annotations…) whose near-duplicates are removed from training (repeatable). Lists go to dedup/."
      })
  List<String> dedupAgainst;

  @Option(
      names = "--near-duplicate-threshold",
      paramLabel = "BITS",
      description =
          "Largest perceptual-hash Hamming distance counted as a near duplicate (default 10).")
  Integer nearDuplicateThreshold;

  @Option(
      names = "--min-side",
      paramLabel = "PX",
      description = "Reject images whose shorter side is smaller (default 64).")
  Integer minSide;

  @Option(
      names = "--max-aspect-ratio",
      paramLabel = "R",
      description =
          "Reject images whose long/short side ratio exceeds R (default 2, as in the paper).")
  Double maxAspectRatio;

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      description = "Reject images declaring more pixels, before decoding (default 50000000).")
  Long maxPixels;

  @Option(
      names = "--min-caption-chars",
      paramLabel = "N",
      description = "Reject normalised captions shorter than N characters (default 1).")
  Integer minCaptionChars;

  @Option(
      names = "--max-caption-chars",
      paramLabel = "N",
      description = "Reject normalised captions longer than N characters (default 1024).")
  Integer maxCaptionChars;

  @Option(
      names = "--vocab-size",
      paramLabel = "N",
      description = "BPE vocabulary size (default 16384, as in the paper).")
  Integer vocabSize;

  @Option(
      names = "--bpe-min-frequency",
      paramLabel = "N",
      description = "Merge a pair only if it occurs at least N times (default 2).")
  Integer bpeMinFrequency;

  @Option(
      names = "--text-length",
      paramLabel = "N",
      description =
          "Caption tokens per record, padded per position (default 256, as in the paper).")
  Integer textLength;

  @Option(
      names = "--one-caption-per-image",
      description =
          "MS-COCO and CUB: one record per image with one seeded caption, not one per pair.")
  Boolean oneCaptionPerImage;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed for the sources' random choices (default 0).")
  Long seed;

  @Option(
      names = "--held-out",
      paramLabel = "\"COLOUR SHAPE\"",
      description = {
        "Synthetic data: a (colour, shape) pair never shown in training (repeatable); default: the documented list in SyntheticVocabulary."
      })
  List<String> heldOut;

  @Option(
      names = "--allow-private-addresses",
      description = {
        "tsv: allow URLs resolving to loopback, link-local or private addresses (an on-prem mirror). Off by default so a URL list cannot reach internal services."
      })
  Boolean allowPrivateAddresses;

  @Option(
      names = "--http-connect-timeout-ms",
      paramLabel = "MS",
      description = "tsv: connect timeout per attempt (default 10000).")
  Integer httpConnectTimeoutMillis;

  @Option(
      names = "--http-read-timeout-ms",
      paramLabel = "MS",
      description = "tsv: read timeout per attempt (default 30000).")
  Integer httpReadTimeoutMillis;

  @Option(
      names = "--http-max-attempts",
      paramLabel = "N",
      description =
          "tsv: attempts per URL on transient errors, with exponential backoff (default 3).")
  Integer httpMaxAttempts;

  @Option(
      names = "--http-max-bytes",
      paramLabel = "N",
      description = "tsv: largest image download accepted (default 20971520).")
  Long httpMaxBytes;

  @Option(names = "--overwrite", description = "Replace a complete output already in --out.")
  boolean overwrite;

  @Mixin RunnerOptions runner = new RunnerOptions();

  /** The resolved config: defaults, then --config, then flags. */
  PrepareConfig resolveConfig() {
    Map<String, Object> o = new LinkedHashMap<>();
    put(o, "inputs", inputs);
    put(o, "dedup_against", dedupAgainst);
    put(o, "out", out);
    put(o, "image_size", imageSize);
    put(o, "near_duplicate_threshold", nearDuplicateThreshold);
    put(o, "min_side", minSide);
    put(o, "max_aspect_ratio", maxAspectRatio);
    put(o, "max_pixels", maxPixels);
    put(o, "min_caption_chars", minCaptionChars);
    put(o, "max_caption_chars", maxCaptionChars);
    put(o, "vocab_size", vocabSize);
    put(o, "bpe_min_frequency", bpeMinFrequency);
    put(o, "text_length", textLength);
    put(o, "source.one_caption_per_image", oneCaptionPerImage);
    put(o, "source.seed", seed);
    put(o, "source.held_out_pairs", heldOut);
    put(o, "source.allow_private_addresses", allowPrivateAddresses);
    put(o, "source.http_connect_timeout_millis", httpConnectTimeoutMillis);
    put(o, "source.http_read_timeout_millis", httpReadTimeoutMillis);
    put(o, "source.http_max_attempts", httpMaxAttempts);
    put(o, "source.http_max_bytes", httpMaxBytes);
    return ConfigLoader.load(PrepareConfig.class, PrepareConfig.defaults(), config, o).validate();
  }

  /** The config, once Beam has read the pipeline options: the job checks both before any work. */
  @Override
  public Object jobConfig() {
    runner.toPipelineOptions();
    return resolveConfig();
  }

  @Override
  public Integer call() {
    DallePipelineOptions options = runner.toPipelineOptions();
    PrepareConfig resolved = resolveConfig();
    if (StagedRun.createsTemplate(options)) {
      // A Flex Template launch: the job runs on Dataflow after this process exits and commits
      // its own output.
      PreparePipeline.launch(resolved, options, overwrite);
      return 0;
    }
    PrepareSummary summary = PreparePipeline.run(resolved, options, overwrite);
    System.out.printf(
        "prepare: done. %d read, %d written, %d rejected, %d exact and %d near duplicates removed.%n"
            + "  outputs: %s/images/*.avro, tokenizer.json, summary.json"
            + " (rejected/*.avro says why each rejected record was dropped)%n",
        summary.read(),
        summary.written(),
        summary.rejected(),
        summary.exactDuplicates(),
        summary.nearDuplicates(),
        resolved.out());
    return 0;
  }
}
