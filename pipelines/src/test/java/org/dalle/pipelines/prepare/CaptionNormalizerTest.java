package org.dalle.pipelines.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CaptionNormalizerTest {
  @Test
  void lowercasesAndCollapsesWhitespace() {
    assertEquals(
        "a red circle above a blue star",
        CaptionNormalizer.normalize("  A  Red\tCircle\n\nabove   a BLUE star  "));
  }

  @Test
  void composesToNfc() {
    // "e" followed by a combining acute accent becomes the single code point U+00E9.
    assertEquals("caf\u00e9", CaptionNormalizer.normalize("Cafe\u0301"));
  }

  @Test
  void removesControlAndFormatCharacters() {
    assertEquals(
        "a dog on a sofa", CaptionNormalizer.normalize("a\u0000 dog\u200b on a\u0007 sofa\u001b"));
  }

  @Test
  void treatsUnicodeSpacesAsSpaces() {
    assertEquals("two cats", CaptionNormalizer.normalize("two\u00a0\u2003cats"));
  }

  @Test
  void blankBecomesEmpty() {
    assertEquals("", CaptionNormalizer.normalize(" \t\u200b\n "));
  }
}
