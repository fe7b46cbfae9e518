package org.dalle.pipelines.sources;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the bytes of a source's text files (captions, CUB's split lists, an overlap list) into text
 * exactly as written: strict UTF-8 (a malformed byte is an error, never a silent U+FFFD) without a
 * leading byte-order mark. Captions are normalised later, in the prepare pipeline, by {@link
 * org.dalle.models.tokenizer.CaptionText}: the one class of that name.
 */
public final class Utf8Text {
  private static final char BYTE_ORDER_MARK = '\uFEFF';

  private Utf8Text() {}

  /** Decodes {@code bytes} as UTF-8, dropping a leading byte-order mark. */
  public static String decode(byte[] bytes) throws CharacterCodingException {
    String text =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
    return !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
  }

  /**
   * The lines of {@code text} (split at LF or CRLF), without the empty piece after a final line
   * break; blank lines inside the text are kept so later stages can reject them visibly.
   */
  public static List<String> lines(String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
    if (lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }
}
