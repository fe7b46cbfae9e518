package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Generates image tokens for captions with the cached decoder (section 2.3 of the paper): the
 * caption is fed in one chunk, then any known leading image tokens (image-to-image, e.g. the top
 * rows of an image), then each sampled token in turn until the grid is full.
 */
public final class PriorSampler {

  private PriorSampler() {}

  /**
   * Samples the image tokens that follow {@code text} and {@code knownImage}.
   *
   * @param text padded text ids, {@code (B, L)}
   * @param knownImage the first {@code P} image tokens to keep, {@code (B, P)} with {@code P < N};
   *     null to sample the whole grid
   * @param seed makes the draws reproducible ({@link TokenSampler})
   * @return INT64 codes, {@code (B, N)}: the known tokens, then the sampled ones; attached to the
   *     text's manager
   */
  public static NDArray sampleImages(
      TransformerPrior model,
      NDArray text,
      NDArray knownImage,
      SamplingOptions options,
      long seed) {
    int batch = Math.toIntExact(text.getShape().get(0));
    return sampleImages(model, text, knownImage, new TokenSampler(options, batch, seed));
  }

  /**
   * {@link #sampleImages(TransformerPrior, NDArray, NDArray, SamplingOptions, long)} with one seed
   * per row: row {@code b}'s draws come from {@code rowSeeds[b]} alone, so a row samples the same
   * tokens in any batch (up to the engine's rounding of the logits, which batching may change in
   * the last bits).
   *
   * @param rowSeeds one seed per row of {@code text}
   */
  public static NDArray sampleImages(
      TransformerPrior model,
      NDArray text,
      NDArray knownImage,
      SamplingOptions options,
      long[] rowSeeds) {
    if (rowSeeds.length != text.getShape().get(0)) {
      throw new IllegalArgumentException(
          "got "
              + rowSeeds.length
              + " row seeds for text of shape "
              + text.getShape()
              + "; expected one per row");
    }
    return sampleImages(model, text, knownImage, new TokenSampler(options, rowSeeds));
  }

  private static NDArray sampleImages(
      TransformerPrior model, NDArray text, NDArray knownImage, TokenSampler sampler) {
    TransformerConfig config = model.config();
    int batch = Math.toIntExact(text.getShape().get(0));
    int known = knownImage == null ? 0 : Math.toIntExact(knownImage.getShape().get(1));
    int imageLength = config.imageLength();
    if (knownImage != null
        && (knownImage.getShape().dimension() != 2
            || knownImage.getShape().get(0) != batch
            || known >= imageLength)) {
      throw new IllegalArgumentException(
          String.format(
              "known image tokens are %s; expected (%d, P) with P < %d, so something is left to"
                  + " sample",
              knownImage.getShape(), batch, imageLength));
    }
    if (text.getShape().dimension() != 2 || text.getShape().get(1) != config.textLength()) {
      throw new IllegalArgumentException(
          "text is " + text.getShape() + "; expected (B, " + config.textLength() + ")");
    }
    long[] codes = new long[batch * imageLength];
    NDManager caller = text.getManager();
    try (NDManager scope = caller.newSubManager();
        PriorDecoder decoder = model.newDecoder(batch, scope)) {
      text.tempAttach(scope);
      NDArray logits = decoder.feed(text); // (B, Vi): image token 0
      if (known > 0) {
        knownImage.tempAttach(scope);
        long[] prefix = knownImage.toType(DataType.INT64, false).toLongArray();
        for (int b = 0; b < batch; b++) {
          System.arraycopy(prefix, b * known, codes, b * imageLength, known);
        }
        logits = decoder.feed(knownImage); // image token `known`
      }
      for (int index = known; index < imageLength; index++) {
        try (NDManager step = scope.newSubManager()) {
          logits.attach(step);
          long[] drawn = sampler.draw(logits); // (B)
          for (int b = 0; b < batch; b++) {
            codes[b * imageLength + index] = drawn[b];
          }
          if (index + 1 < imageLength) {
            logits = decoder.feedSampled(drawn, scope);
          }
        }
      }
    }
    return caller.create(codes).reshape(batch, imageLength);
  }
}
