package org.dalle.jobs.sample;

import java.util.List;
import org.dalle.models.transformer.SamplingOptions;

/**
 * Everything {@code dalle sample} needs (section 2.3 of the paper, without reranking yet).
 *
 * @param transformer a transformer export directory ({@code PriorExport}: weights, config,
 *     tokenizer)
 * @param dvae a dVAE export directory ({@code DvaeExport}), which decodes the sampled tokens
 * @param captions the captions to sample for, in order
 * @param out the output directory; written in a staging directory and renamed into place
 * @param count images per caption
 * @param batchSize sequences decoded together
 * @param sampling temperature, top-k and top-p
 * @param seed fixes every draw: the same seed and settings give the same images
 * @param prefixImage a PNG whose first {@code keepRows} rows of image tokens every sample keeps
 *     (image-to-image, section 3.3 of the paper); null for none
 * @param keepRows rows of the prefix image's token grid to keep, in [1, grid − 1]
 */
public record SampleConfig(
    String transformer,
    String dvae,
    List<String> captions,
    String out,
    int count,
    int batchSize,
    SamplingOptions sampling,
    long seed,
    String prefixImage,
    int keepRows) {

  public SampleConfig {
    captions = List.copyOf(captions);
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
    for (int i = 0; i < captions.size(); i++) {
      if (captions.get(i).isBlank()) {
        throw new IllegalArgumentException("caption " + (i + 1) + " is blank; expected text");
      }
    }
    if (count < 1) {
      throw new IllegalArgumentException("count is " + count + "; expected at least 1");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size is " + batchSize + "; expected at least 1");
    }
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
}
