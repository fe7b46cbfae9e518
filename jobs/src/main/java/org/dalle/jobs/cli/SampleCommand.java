package org.dalle.jobs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dalle.evaluation.protocols.EvaluationCaption;
import org.dalle.evaluation.protocols.EvaluationCaptionFile;
import org.dalle.jobs.sample.CaptionSampler;
import org.dalle.jobs.sample.SampleConfig;
import org.dalle.models.transformer.SamplingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dalle sample}: images for captions from a trained transformer and dVAE. */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    header = "Sample images for captions with the transformer prior and decode them with the dVAE.",
    sortOptions = false,
    description = {
      "For every caption (normalised and BPE-encoded as the prepare stage did), draws --count grids of image tokens from the transformer with its key/value-cached decoder (Gumbel-max sampling with temperature, top-k and top-p; section 2.3 of the paper, no reranking yet) and decodes them with the dVAE. Writes to --out, through a staging directory renamed into place: images/cNNN-sMMM.png, grids/cNNN.png (one labelled row per caption) and samples.jsonl (caption, indices, files, image tokens, seed, settings).",
      "The same --seed and settings give the same images. With --prefix-image and --keep-rows, every sample keeps the first rows of that image's tokens and completes the rest (image-to-image, section 3.3).",
      ""
    })
public final class SampleCommand implements Callable<Integer> {

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
      names = "--caption",
      paramLabel = "TEXT",
      description = "A caption to sample for; repeatable, in order after those of --captions.")
  List<String> captionFlags = new ArrayList<>();

  @Option(
      names = "--captions",
      paramLabel = "FILE",
      description =
          "A UTF-8 text file of captions, one per line (blank lines and lines starting with #"
              + " are skipped), or a .jsonl caption file of dalle eval-captions, sampled in its"
              + " order.")
  Path captionsFile;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  String out;

  @Option(
      names = "--count",
      paramLabel = "N",
      defaultValue = "8",
      description = "Images per caption. Default: ${DEFAULT-VALUE}.")
  int count;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "16",
      description = "Sequences sampled together. Default: ${DEFAULT-VALUE}.")
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
              + " --keep-rows rows of tokens every sample keeps.")
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
      description = "CPU threads of the engine's operators (0: the engine's default).")
  int threads;

  SampleConfig resolveConfig() throws IOException {
    List<String> captions = new ArrayList<>();
    if (captionsFile != null) {
      if (!Files.isRegularFile(captionsFile)) {
        throw new IllegalArgumentException("--captions " + captionsFile + " does not exist");
      }
      if (captionsFile.getFileName().toString().endsWith(".jsonl")) {
        for (EvaluationCaption caption : EvaluationCaptionFile.read(captionsFile)) {
          captions.add(caption.caption());
        }
      } else {
        for (String line : Files.readAllLines(captionsFile, StandardCharsets.UTF_8)) {
          if (!line.isBlank() && !line.strip().startsWith("#")) {
            captions.add(line.strip());
          }
        }
      }
    }
    captions.addAll(captionFlags);
    return new SampleConfig(
            transformer,
            dvae,
            captions,
            out,
            count,
            batchSize,
            new SamplingOptions(temperature, topK, topP),
            seed,
            prefixImage,
            keepRows)
        .validate();
  }

  @Override
  public Integer call() throws Exception {
    SampleConfig config = resolveConfig();
    if (threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    CaptionSampler.Result result = CaptionSampler.run(config, overwrite, System.err);
    System.out.printf(
        "sample: %d images for %d captions in %s (grids/, images/, samples.jsonl); %.0f image"
            + " tokens/s%n",
        result.images(), config.captions().size(), result.out(), result.imageTokensPerSecond());
    return 0;
  }
}
