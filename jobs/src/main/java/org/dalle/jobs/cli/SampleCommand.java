package org.dalle.jobs.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dalle.jobs.sample.CaptionFiles;
import org.dalle.jobs.sample.CaptionSampler;
import org.dalle.jobs.sample.RerankerLoader;
import org.dalle.jobs.sample.SampleCaption;
import org.dalle.jobs.sample.SampleConfig;
import org.dalle.jobs.sample.SamplePipeline;
import org.dalle.jobs.sample.SamplePipelineConfig;
import org.dalle.jobs.train.EngineThreads;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.models.transformer.SamplingOptions;
import org.dalle.pipelines.options.DallePipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dalle sample}: images for captions, reranked by a contrastive model. */
@Command(
    name = "sample",
    header =
        "Sample N images per caption with the transformer prior, decode them with the dVAE, keep"
            + " the best K by a contrastive reranker.",
    sortOptions = false,
    description = {
      "For every caption (normalised and BPE-encoded as the prepare stage did), draws --candidates N grids of image tokens from the transformer with its key/value-cached decoder (Gumbel-max sampling with temperature, top-k and top-p; section 2.3 of the paper), decodes them with the dVAE, scores each 8-bit image against its caption with the reranker (--clip) and keeps the best --keep K, ties broken by the lower candidate index (section 2.5). Without --clip, every candidate is kept unscored (K = N).",
      "Candidate i of a caption draws from its own seed, sha256(seed/caption id/i), so the same --seed gives the same images whatever --batch-size, the order of the captions, or the variant.",
      "Writes to --out, through a staging directory renamed into place: samples.avro (Sample records: caption id and text, rank, score, candidate, seeds, image tokens, PNG), images/ID/R.png (rank R of caption ID), grids/cNNN.png (the kept images of caption NNN in a row, best first) with grids/cNNN.json (ranks, candidates, scores) and run.json (settings, seed, model paths, reranker). With --prefix-image and --keep-rows every candidate keeps the first token rows of that image (image-to-image, section 3.3).",
      "With --runner the job runs as a Beam pipeline for many captions (COCO-30k on Dataflow, Flink or Spark): --captions is a .jsonl, .avro or text file or glob; each worker loads the models once; the output holds samples/*.avro, rejected/*.avro (captions that could not be read or sampled, with the reason), run.json and summary.json (written last). The Sample records equal the single-process job's.",
      ""
    })
public final class SampleCommand implements Callable<Integer>, ConfiguredJob {

  static final int DEFAULT_CANDIDATES = SampleConfig.DEFAULT_CANDIDATES;

  @Option(
      names = "--transformer",
      required = true,
      paramLabel = "EXPORT_DIR",
      description =
          "A transformer export (train-transformer's export/: weights, config, tokenizer).")
  String transformer;

  @Option(
      names = "--dvae",
      required = true,
      paramLabel = "EXPORT_DIR",
      description = "The dVAE export whose tokens the transformer was trained on.")
  String dvae;

  @Option(
      names = "--clip",
      paramLabel = "PATH",
      description =
          "The contrastive reranker: a train-clip export, or a TorchScript module with"
              + " encode_image / encode_text. Without it every candidate is kept unscored.")
  String clip;

  @Option(
      names = "--caption",
      paramLabel = "TEXT",
      description =
          "A caption to sample for; repeatable, in order after those of --captions. Its id is"
              + " the first 16 hex digits of sha256 of the text.")
  List<String> captionFlags = new ArrayList<>();

  @Option(
      names = "--captions",
      paramLabel = "FILE",
      description =
          "Captions: a .jsonl file of {\"id\": ..., \"caption\": ...} objects; an .avro file (or a"
              + " directory of them) of records with id and caption, such as the prepare stage's"
              + " CaptionedImage or the encode stage's TokenizedExample; or a UTF-8 text file, one"
              + " caption per line (blank lines and lines starting with # skipped; ids as for"
              + " --caption). With --runner, a file or glob.")
  String captionsFile;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  String out;

  @Option(
      names = "--candidates",
      paramLabel = "N",
      description = "Images drawn per caption. Default: " + DEFAULT_CANDIDATES + ".")
  Integer candidates;

  /** The flag's name before reranking, kept so existing scripts still run. */
  @Option(names = "--count", hidden = true, paramLabel = "N")
  Integer count;

  @Option(
      names = "--keep",
      paramLabel = "K",
      description =
          "Images kept per caption, the best by the reranker; 1..N, and N without --clip."
              + " Default: N.")
  Integer keep;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "16",
      description =
          "(caption, candidate) pairs sampled together; does not change the images. Default:"
              + " ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      defaultValue = "1.0",
      description = "Logits are divided by T; 0 is greedy. Default: ${DEFAULT-VALUE} (the paper).")
  float temperature;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      defaultValue = "0",
      description = "Keep only the K most likely tokens; 0 keeps all. Default: ${DEFAULT-VALUE}.")
  int topK;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      defaultValue = "1.0",
      description =
          "Keep the fewest most likely tokens whose probability reaches P; 1 keeps all. Default:"
              + " ${DEFAULT-VALUE}.")
  float topP;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "0",
      description = "Seed of every draw. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--prefix-image",
      paramLabel = "PNG",
      description =
          "Image-to-image: an image (resized and centre-cropped to the dVAE's size) whose first"
              + " --keep-rows rows of tokens every sample keeps. Not with --runner.")
  String prefixImage;

  @Option(
      names = "--keep-rows",
      paramLabel = "R",
      defaultValue = "0",
      description = "Rows of the prefix image's token grid to keep, 1 .. grid-1.")
  int keepRows;

  @Option(names = "--overwrite", description = "Replace --out if it exists.")
  boolean overwrite;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "CPU threads of the engine's operators, per worker JVM with --runner (0: the engine's"
              + " default).")
  int threads;

  @Option(
      names = "--shards",
      paramLabel = "N",
      defaultValue = "64",
      description =
          "With --runner: keys the captions are spread over before batching, the most batches"
              + " sampled in parallel. Default: ${DEFAULT-VALUE}.")
  int shards;

  @Mixin RunnerOptions runner = new RunnerOptions();

  /**
   * Whether the Beam variant was asked for: --runner given on the command line. Without it, a Beam
   * pipeline option is a mistake, and an option that is neither the job's nor Beam's is named as
   * unknown.
   */
  boolean onBeam() {
    if (runner.givesRunner()) {
      return true;
    }
    List<String> beamArgs = runner.toBeamArgs();
    if (!beamArgs.isEmpty()) {
      runner.toPipelineOptions();
      throw new IllegalArgumentException(
          String.join(" ", beamArgs)
              + ": Beam pipeline options are read only by the Beam variant; add --runner to run on"
              + " Beam");
    }
    return false;
  }

  /** N: --candidates, or the old --count, or the default. */
  int resolvedCandidates() {
    if (candidates != null && count != null) {
      throw new IllegalArgumentException(
          "--count is the old name of --candidates; give one of them, not both");
    }
    return candidates != null ? candidates : count != null ? count : DEFAULT_CANDIDATES;
  }

  int resolvedKeep() {
    return keep == null ? resolvedCandidates() : keep;
  }

  SampleConfig resolveConfig() throws IOException {
    List<SampleCaption> captions = new ArrayList<>();
    if (captionsFile != null) {
      captions.addAll(CaptionFiles.read(Path.of(captionsFile)));
    }
    for (String text : captionFlags) {
      if (text.isBlank()) {
        throw new IllegalArgumentException("--caption is blank; expected text");
      }
      captions.add(SampleCaption.ofText(text));
    }
    String source =
        captionsFile == null
            ? "--caption"
            : captionFlags.isEmpty() ? captionsFile : captionsFile + " and --caption";
    return new SampleConfig(
            transformer,
            dvae,
            clip,
            source,
            captions,
            out,
            resolvedCandidates(),
            resolvedKeep(),
            batchSize,
            new SamplingOptions(temperature, topK, topP),
            seed,
            prefixImage,
            keepRows)
        .validate();
  }

  SamplePipelineConfig resolvePipelineConfig() {
    if (!captionFlags.isEmpty()) {
      throw new IllegalArgumentException(
          "--caption is not read by the Beam variant; put the captions in a --captions file");
    }
    if (prefixImage != null) {
      throw new IllegalArgumentException(
          "--prefix-image is not supported with --runner; run image-to-image without --runner");
    }
    return new SamplePipelineConfig(
            transformer,
            dvae,
            clip,
            captionsFile,
            out,
            resolvedCandidates(),
            resolvedKeep(),
            batchSize,
            temperature,
            topK,
            topP,
            seed,
            threads,
            shards)
        .validate();
  }

  /** The config, once Beam has read the pipeline options: the job checks both before any work. */
  @Override
  public Object jobConfig() throws IOException {
    if (!onBeam()) {
      return resolveConfig();
    }
    runner.toPipelineOptions();
    return resolvePipelineConfig();
  }

  @Override
  public Integer call() throws Exception {
    if (onBeam()) {
      DallePipelineOptions options = runner.toPipelineOptions();
      SamplePipelineConfig config = resolvePipelineConfig();
      Map<String, Long> summary =
          SamplePipeline.run(
              config, clip == null ? null : RerankerLoader.fromClipPath(clip), options, overwrite);
      System.out.printf(
          "sample: done. %d images in %s/samples/*.avro; summary.json: %s%n",
          summary.get("images"), config.out(), summary);
      return 0;
    }
    SampleConfig config = resolveConfig();
    EngineThreads.beforeLoad(threads);
    try (ImageTextScorer scorer = clip == null ? null : RerankerLoader.open(clip)) {
      CaptionSampler.Result result = CaptionSampler.run(config, scorer, overwrite);
      System.out.printf(
          "sample: %d images for %d captions in %s (samples.avro, images/, grids/, run.json);"
              + " %.0f image tokens/s%n",
          result.images(), config.captions().size(), result.out(), result.imageTokensPerSecond());
    }
    return 0;
  }
}
