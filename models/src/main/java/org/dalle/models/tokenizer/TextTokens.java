package org.dalle.models.tokenizer;

import java.util.Arrays;

/**
 * The transformer's fixed-length text layout (section 2.2 of the paper: "we use a special padding
 * token for each of the 256 text positions"): a caption's BPE ids, cut to {@code textLength}, then
 * filled with padding where the padding token at position {@code i} is {@code vocabSize + i}.
 *
 * <p>So the text embedding table has {@code vocabSize + textLength} rows ({@link
 * #embeddingVocabSize}): one per BPE token, then one learned padding token per position. Padding
 * only ever follows the caption, so a padded row is a caption prefix and a padding suffix.
 */
public final class TextTokens {

  private TextTokens() {}

  /** Rows of the text embedding: the BPE vocabulary, then one padding token per text position. */
  public static int embeddingVocabSize(int vocabSize, int textLength) {
    checkSizes(vocabSize, textLength);
    return Math.addExact(vocabSize, textLength);
  }

  /**
   * {@code tokens} cut to {@code textLength} and padded to exactly {@code textLength} ids.
   *
   * @throws IllegalArgumentException if a token is outside {@code 0..vocabSize-1}
   */
  public static int[] pad(int[] tokens, int textLength, int vocabSize) {
    checkSizes(vocabSize, textLength);
    int[] padded = new int[textLength];
    for (int i = 0; i < textLength; i++) {
      if (i < tokens.length) {
        if (tokens[i] < 0 || tokens[i] >= vocabSize) {
          throw new IllegalArgumentException(
              String.format(
                  "token %d at position %d is out of range; expected 0..%d",
                  tokens[i], i, vocabSize - 1));
        }
        padded[i] = tokens[i];
      } else {
        padded[i] = vocabSize + i;
      }
    }
    return padded;
  }

  /**
   * The caption's ids from a padded row: everything before the first padding token.
   *
   * @throws IllegalArgumentException if the row is not a {@link #pad} result: an id out of range, a
   *     padding token at the wrong position, or a text token after padding
   */
  public static int[] unpad(int[] padded, int vocabSize) {
    checkSizes(vocabSize, Math.max(padded.length, 1));
    int length = 0;
    while (length < padded.length && padded[length] >= 0 && padded[length] < vocabSize) {
      length++;
    }
    for (int i = length; i < padded.length; i++) {
      if (padded[i] != vocabSize + i) {
        throw new IllegalArgumentException(
            String.format(
                "id %d at position %d is not a valid padded row entry; after the caption's %d"
                    + " tokens expected padding token %d (vocabSize + position)",
                padded[i], i, length, vocabSize + i));
      }
    }
    return Arrays.copyOf(padded, length);
  }

  /** Whether {@link #pad} drops tokens of a caption of {@code tokenCount} tokens. */
  public static boolean isTruncated(int tokenCount, int textLength) {
    return tokenCount > textLength;
  }

  private static void checkSizes(int vocabSize, int textLength) {
    if (vocabSize < 1) {
      throw new IllegalArgumentException("vocabSize is " + vocabSize + "; expected at least 1");
    }
    if (textLength < 1) {
      throw new IllegalArgumentException("textLength is " + textLength + "; expected at least 1");
    }
  }
}
