package org.dalle.models.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * GPT-2's reversible byte-to-unicode mapping, the alphabet of a byte-level BPE.
 *
 * <p>Every byte becomes one printable character: the printable Latin-1 bytes ({@code !..~}, {@code
 * ¡..¬}, {@code ®..ÿ}) map to themselves and the other 68 bytes (control characters, space, DEL,
 * NBSP, soft hyphen) map, in byte order, to U+0100, U+0101, ... This keeps whitespace and control
 * bytes out of token strings, so a merge can be written as {@code "left right"} without ambiguity,
 * and it makes every string encodable with these 256 symbols alone.
 */
public final class ByteLevelAlphabet {

  /** Number of symbols: one per byte value. */
  public static final int SIZE = 256;

  private static final char[] BYTE_TO_SYMBOL = new char[SIZE];
  private static final int[] SYMBOL_TO_BYTE = new int[SIZE + 68];

  /** The 256 symbols in code-point order, which is also GPT-2's id order for them. */
  private static final List<String> SYMBOLS_IN_ORDER;

  static {
    Arrays.fill(SYMBOL_TO_BYTE, -1);
    int next = SIZE;
    for (int b = 0; b < SIZE; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      char symbol = printable ? (char) b : (char) next++;
      BYTE_TO_SYMBOL[b] = symbol;
      SYMBOL_TO_BYTE[symbol] = b;
    }
    List<String> symbols = new ArrayList<>(SIZE);
    for (int c = 0; c < SYMBOL_TO_BYTE.length; c++) {
      if (SYMBOL_TO_BYTE[c] >= 0) {
        symbols.add(String.valueOf((char) c));
      }
    }
    SYMBOLS_IN_ORDER = Collections.unmodifiableList(symbols);
  }

  private ByteLevelAlphabet() {}

  /** The 256 single-character symbols, sorted by code point (GPT-2's order). */
  public static List<String> symbols() {
    return SYMBOLS_IN_ORDER;
  }

  /** The symbol for one byte. */
  public static char symbolOf(byte b) {
    return BYTE_TO_SYMBOL[b & 0xFF];
  }

  /** The byte that symbol {@code c} stands for. */
  public static int byteOf(char c) {
    if (!isSymbol(c)) {
      throw new IllegalArgumentException(
          String.format("character U+%04X is not one of the 256 byte-level symbols", (int) c));
    }
    return SYMBOL_TO_BYTE[c];
  }

  /** Whether {@code c} is one of the 256 symbols. */
  public static boolean isSymbol(char c) {
    return c < SYMBOL_TO_BYTE.length && SYMBOL_TO_BYTE[c] >= 0;
  }

  /** Maps the UTF-8 bytes of {@code text} to symbols, one character per byte. */
  public static String encode(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = symbolOf(bytes[i]);
    }
    return new String(out);
  }

  /**
   * Maps symbols back to bytes and decodes them as UTF-8; byte sequences that are not valid UTF-8
   * (a token sequence cut inside a character) become U+FFFD, as in HuggingFace's ByteLevel decoder.
   *
   * @throws IllegalArgumentException if {@code symbols} holds a character outside the alphabet
   */
  public static String decode(CharSequence symbols) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(symbols.length());
    for (int i = 0; i < symbols.length(); i++) {
      char c = symbols.charAt(i);
      if (!isSymbol(c)) {
        throw new IllegalArgumentException(
            String.format(
                "character U+%04X at index %d of \"%s\" is not a byte-level symbol;"
                    + " expected one of the 256 symbols of GPT-2's byte-to-unicode mapping",
                (int) c, i, symbols));
      }
      bytes.write(SYMBOL_TO_BYTE[c]);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
