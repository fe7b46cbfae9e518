package org.dalle.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HuggingFace tokenizers' {@code ByteLevel} pre-tokenizer with {@code add_prefix_space=false} and
 * {@code use_regex=true}: split the text with GPT-2's regular expression, then write each piece's
 * UTF-8 bytes with the {@link ByteLevelAlphabet}. BPE merges never cross the pieces it returns.
 */
public final class ByteLevelPreTokenizer {

  /**
   * GPT-2's split pattern. {@code UNICODE_CHARACTER_CLASS} makes {@code \s} mean Unicode white
   * space, as it does in the Oniguruma regex HuggingFace uses; Java's default {@code \s} is ASCII
   * only.
   */
  private static final Pattern GPT2_SPLIT =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  private ByteLevelPreTokenizer() {}

  /**
   * Splits {@code text} into byte-level words. Concatenating the returned pieces and decoding them
   * with {@link ByteLevelAlphabet#decode} gives {@code text} back.
   *
   * @return the pieces in order; empty for the empty string
   */
  public static List<String> split(String text) {
    List<String> pieces = new ArrayList<>();
    Matcher matcher = GPT2_SPLIT.matcher(text);
    // Every character is white space, a letter, a number or something else, so the matches cover
    // the whole text and HuggingFace's "isolated" split has no gaps to keep.
    while (matcher.find()) {
      pieces.add(ByteLevelAlphabet.encode(matcher.group()));
    }
    return pieces;
  }
}
