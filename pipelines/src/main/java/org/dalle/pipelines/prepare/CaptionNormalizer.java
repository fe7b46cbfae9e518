package org.dalle.pipelines.prepare;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Normalises a raw caption: Unicode NFC, control and format characters removed (tabs and newlines
 * become spaces), runs of whitespace collapsed to one space, trimmed, lowercased. The paper's BPE
 * works on lowercased text (Section 2.2).
 */
public final class CaptionNormalizer {
  private CaptionNormalizer() {}

  public static String normalize(String raw) {
    String nfc = Normalizer.normalize(raw, Normalizer.Form.NFC);
    StringBuilder out = new StringBuilder(nfc.length());
    boolean pendingSpace = false;
    for (int i = 0; i < nfc.length(); ) {
      int cp = nfc.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        pendingSpace = out.length() > 0;
        continue;
      }
      int type = Character.getType(cp);
      if (type == Character.CONTROL || type == Character.FORMAT) {
        continue;
      }
      if (pendingSpace) {
        out.append(' ');
        pendingSpace = false;
      }
      out.appendCodePoint(cp);
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
