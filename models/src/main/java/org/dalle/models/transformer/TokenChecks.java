package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Shape and range checks of the token arrays the prior reads, with messages naming the values. */
final class TokenChecks {

  private TokenChecks() {}

  /** A training batch: text {@code (B, L)} and image {@code (B, N)} of the same B. */
  static void checkBatch(TransformerConfig config, NDArray text, NDArray image) {
    Shape textShape = text.getShape();
    Shape imageShape = image.getShape();
    if (textShape.dimension() != 2
        || textShape.get(0) < 1
        || textShape.get(1) != config.textLength()) {
      throw new IllegalArgumentException(
          "text is " + textShape + "; expected (B, " + config.textLength() + ") with B >= 1");
    }
    if (imageShape.dimension() != 2
        || imageShape.get(0) != textShape.get(0)
        || imageShape.get(1) != config.imageLength()) {
      throw new IllegalArgumentException(
          String.format(
              "image is %s; expected (%d, %d): one row of %dx%d codes per caption",
              imageShape,
              textShape.get(0),
              config.imageLength(),
              config.gridSize(),
              config.gridSize()));
    }
    checkRange("text ids", text, config.textEmbeddingRows());
    checkRange("image codes", image, config.imageVocabSize());
  }

  /**
   * Tokens for positions {@code start..start+n-1}, {@code (B, n)}, with {@code start + n ≤ limit}:
   * text ids at text positions, image codes after them.
   */
  static void checkPrefix(TransformerConfig config, NDArray tokens, int start, int limit) {
    Shape shape = tokens.getShape();
    if (shape.dimension() != 2 || shape.get(0) < 1 || shape.get(1) < 1) {
      throw new IllegalArgumentException(
          "tokens are " + shape + "; expected (B, n) with B >= 1 and n >= 1");
    }
    long end = start + shape.get(1);
    if (end > limit) {
      throw new IllegalArgumentException(
          String.format(
              "%d tokens from position %d reach position %d; expected at most position %d (text"
                  + " %d + image %d, the last image token is never an input)",
              shape.get(1), start, end - 1, limit - 1, config.textLength(), config.imageLength()));
    }
    int textCount = (int) Math.max(0, Math.min(shape.get(1), config.textLength() - start));
    if (textCount > 0) {
      checkRange("text ids", tokens.get(":, :{}", textCount), config.textEmbeddingRows());
    }
    if (textCount < shape.get(1)) {
      checkRange("image codes", tokens.get(":, {}:", textCount), config.imageVocabSize());
    }
  }

  private static void checkRange(String what, NDArray ids, int size) {
    if (!ids.getDataType().isInteger()) {
      throw new IllegalArgumentException(
          what + " are " + ids.getDataType() + "; expected an integer type");
    }
    if (ids.size() == 0) {
      return;
    }
    long min = ids.min().toType(DataType.INT64, false).getLong();
    long max = ids.max().toType(DataType.INT64, false).getLong();
    if (min < 0 || max >= size) {
      throw new IllegalArgumentException(
          String.format("%s range from %d to %d; expected ids in [0, %d)", what, min, max, size));
    }
  }
}
