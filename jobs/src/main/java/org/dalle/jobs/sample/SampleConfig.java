package org.dalle.jobs.sample;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dalle.models.transformer.SamplingOptions;

/**
 * Everything {@code dalle sample} needs (sections 2.3 and 2.5 of the paper): draw {@code
 * candidates} images per caption, keep the best {@code keep} by the reranker.
 *
 * @param transformer a transformer export directory ({@code PriorExport}: weights, config,
 *     tokenizer)
 * @param dvae a dVAE export directory ({@code DvaeExport}), which decodes the sampled tokens
 * @param clip the reranker's path as given with {@code --clip}, recorded in the manifest; null when
 *     the job runs without a reranker
 * @param captionSource where the captions came from (a file, or the command line), for the manifest
 * @param captions the captions to sample for, in order; ids unique
 * @param out the output directory; written in a staging directory and renamed into place
 * @param candidates N, images drawn per caption
 * @param keep K ≤ N, images kept per caption (the best by the reranker)
 * @param batchSize (caption, candidate) pairs decoded together
 * @param sampling temperature, top-k and top-p
 * @param seed fixes every draw: the same seed and settings give the same images
 * @param prefixImage a PNG whose first {@code keepRows} rows of image tokens every sample keeps
 *     (image-to-image, section 3.3 of the paper); null for none
 * @param keepRows rows of the prefix image's token grid to keep, in [1, grid − 1]
 */
public record SampleConfig(
    String transformer,
    String dvae,
    String clip,
    String captionSource,
    List<SampleCaption> captions,
    String out,
    int candidates,
    int keep,
    int batchSize,
    SamplingOptions sampling,
    long seed,
    String prefixImage,
    int keepRows) {

  /** Images drawn per caption unless a config or flag says otherwise. */
  public static final int DEFAULT_CANDIDATES = 8;

  public SampleConfig {
    captions = List.copyOf(captions);
  }

  /**
   * The defaults before a config file and overrides: {@value #DEFAULT_CANDIDATES} candidates, all
   * kept, 16 per batch, the paper's sampling, seed 0; no models, captions or output yet.
   */
  public static SampleConfig defaults() {
    return new SampleConfig(
        "",
        "",
        null,
        "",
        List.of(),
        "",
        DEFAULT_CANDIDATES,
        DEFAULT_CANDIDATES,
        16,
        SamplingOptions.paper(),
        0,
        null,
        0);
  }

  /**
   * Checks the settings that need no file; the sizes are checked against the models when loaded.
   *
   * @return this config
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public SampleConfig validate() {
    if (transformer == null || transformer.isBlank()) {
      throw new IllegalArgumentException(
          "--transformer is not set; expected a transformer export directory (train-transformer's"
              + " export/)");
    }
    if (dvae == null || dvae.isBlank()) {
      throw new IllegalArgumentException(
          "--dvae is not set; expected a dVAE export directory (train-dvae's export/)");
    }
    if (out == null || out.isBlank()) {
      throw new IllegalArgumentException("--out is not set; expected an output directory");
    }
    if (captions.isEmpty()) {
      throw new IllegalArgumentException(
          "no captions; expected --caption TEXT (repeatable) or --captions FILE");
    }
    Map<String, String> seen = new HashMap<>();
    for (SampleCaption caption : captions) {
      String before = seen.putIfAbsent(caption.id(), caption.caption());
      if (before != null) {
        throw new IllegalArgumentException(
            String.format(
                "caption id %s is given twice (\"%s\" and \"%s\"); expected unique ids, which name"
                    + " the outputs and seed the candidates (use --candidates for more images of"
                    + " one caption)",
                caption.id(), before, caption.caption()));
      }
    }
    checkCounts(candidates, keep, batchSize);
    sampling.validate();
    if (prefixImage == null && keepRows != 0) {
      throw new IllegalArgumentException(
          "--keep-rows is " + keepRows + " without --prefix-image; expected both or neither");
    }
    if (prefixImage != null && keepRows < 1) {
      throw new IllegalArgumentException(
          "--keep-rows is " + keepRows + "; expected at least 1 row of the prefix image to keep");
    }
    return this;
  }

  /** The settings of the sampler itself. */
  RerankingSampler.Settings settings() {
    return new RerankingSampler.Settings(candidates, keep, batchSize, sampling, seed);
  }

  /** Checks N, K and the batch size, for both variants of the job. */
  static void checkCounts(int candidates, int keep, int batchSize) {
    if (candidates < 1) {
      throw new IllegalArgumentException("--candidates is " + candidates + "; expected at least 1");
    }
    if (keep < 1 || keep > candidates) {
      throw new IllegalArgumentException(
          "--keep is " + keep + "; expected 1.." + candidates + " (at most --candidates)");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size is " + batchSize + "; expected at least 1");
    }
  }
}
