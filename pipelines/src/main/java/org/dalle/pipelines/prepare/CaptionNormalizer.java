package org.dalle.pipelines.prepare;

import org.dalle.models.tokenizer.CaptionText;

/**
 * Normalises a raw caption: Unicode NFC, control and format characters removed (tabs and newlines
 * become spaces), runs of whitespace collapsed to one space, trimmed, lowercased. The paper's BPE
 * works on lowercased text (Section 2.2).
 *
 * <p>The rules live in {@link CaptionText} in the models module, so that scorers and samplers
 * outside a pipeline normalise new captions exactly as this stage normalised the training ones.
 */
public final class CaptionNormalizer {
  private CaptionNormalizer() {}

  public static String normalize(String raw) {
    return CaptionText.normalize(raw);
  }
}
