package org.dalle.models.tokenizer;

import java.text.Normalizer;
import java.util.Locale;

/**
 * How every caption is normalised before BPE: Unicode NFC, control and format characters removed
 * (tabs and newlines become spaces), runs of whitespace collapsed to one space, trimmed,
 * lowercased. The paper's BPE works on lowercased text (section 2.2).
 *
 * <p>The prepare pipeline normalises training captions with it, and models loaded outside a
 * pipeline (the contrastive scorer, the sampler) normalise new captions with it, so both see the
 * same text.
 */
public final class CaptionText {
  private CaptionText() {}

  /** The normalised form of {@code raw}. */
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
