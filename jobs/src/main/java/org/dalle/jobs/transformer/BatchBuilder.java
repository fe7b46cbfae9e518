package org.dalle.jobs.transformer;

import java.util.Random;
import java.util.SplittableRandom;
import org.dalle.jobs.train.Seeds;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.tokenizer.TextTokens;

/**
 * Turns a batch of example indices into the token arrays of one update: padded text ids {@code (B,
 * L)} and image codes {@code (B, N)}, row-major.
 *
 * <p>With BPE dropout (section 2.2 of the paper: 10% of merges) each caption is re-tokenised with
 * randomly skipped merges; the generator of row {@code b} of update {@code step} is a pure function
 * of the seed, the step and {@code b}, so a resumed run draws the same tokens. Without it the
 * records' tokens are used as they are.
 */
final class BatchBuilder {

  private static final long DROPOUT_STREAM = 0x42504544524f50L; // "BPEDROP"

  private final TokenizedDataset data;
  private final BpeTokenizer tokenizer;
  private final double dropout;
  private final int textLength;
  private final int imageLength;
  private final long seed;

  /** One update's tokens, row-major. */
  record Tokens(long[] text, long[] image, int batch) {}

  BatchBuilder(
      TokenizedDataset data,
      BpeTokenizer tokenizer,
      double dropout,
      int textLength,
      int imageLength,
      long seed) {
    this.data = data;
    this.tokenizer = tokenizer;
    this.dropout = dropout;
    this.textLength = textLength;
    this.imageLength = imageLength;
    this.seed = seed;
  }

  /** The tokens of {@code indices} for update {@code step} (0-based). */
  Tokens build(int[] indices, long step) {
    int batch = indices.length;
    long[] text = new long[batch * textLength];
    long[] image = new long[batch * imageLength];
    SplittableRandom rows = new SplittableRandom(Seeds.stepSeed(seed, step) ^ DROPOUT_STREAM);
    for (int b = 0; b < batch; b++) {
      Random random = new Random(rows.nextLong()); // drawn for every row, used or not
      int[] ids = dropout > 0 ? dropped(data.caption(indices[b]), random) : data.text(indices[b]);
      for (int i = 0; i < textLength; i++) {
        text[b * textLength + i] = ids[i];
      }
      data.copyImage(indices[b], image, b * imageLength);
    }
    return new Tokens(text, image, batch);
  }

  private int[] dropped(String caption, Random random) {
    // Cut to the text length and padded, as the prepare stage does.
    return TextTokens.pad(
        tokenizer.encode(caption, dropout, random), textLength, tokenizer.vocabSize());
  }
}
