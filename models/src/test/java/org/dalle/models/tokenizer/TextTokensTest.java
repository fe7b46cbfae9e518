package org.dalle.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextTokensTest {

  @Test
  void padsWithOneTokenPerPosition() {
    assertArrayEquals(new int[] {5, 6, 7, 103, 104}, TextTokens.pad(new int[] {5, 6, 7}, 5, 100));
    assertArrayEquals(new int[] {100, 101, 102}, TextTokens.pad(new int[] {}, 3, 100));
  }

  @Test
  void truncatesLongCaptions() {
    assertArrayEquals(new int[] {1, 2, 3}, TextTokens.pad(new int[] {1, 2, 3, 4, 5}, 3, 100));
    assertTrue(TextTokens.isTruncated(5, 3));
    assertFalse(TextTokens.isTruncated(3, 3));
  }

  @Test
  void unpadReturnsTheCaption() {
    assertArrayEquals(new int[] {5, 6, 7}, TextTokens.unpad(new int[] {5, 6, 7, 103, 104}, 100));
    assertArrayEquals(new int[] {1, 2, 3}, TextTokens.unpad(new int[] {1, 2, 3}, 100));
    assertArrayEquals(new int[] {}, TextTokens.unpad(new int[] {100, 101}, 100));
  }

  @Test
  void unpadRejectsRowsThatPadCouldNotHaveMade() {
    // padding for the wrong position, a text token after padding, a negative id
    for (int[] row : new int[][] {{5, 104, 105}, {5, 101, 7}, {5, -1, 102}}) {
      assertThrows(IllegalArgumentException.class, () -> TextTokens.unpad(row, 100));
    }
  }

  @Test
  void embeddingHasARowPerTokenAndPerPosition() {
    assertEquals(16384 + 256, TextTokens.embeddingVocabSize(16384, 256));
  }

  @Test
  void rejectsBadSizesAndTokens() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TextTokens.pad(new int[] {1, 100}, 4, 100));
    assertTrue(e.getMessage().contains("token 100 at position 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TextTokens.pad(new int[] {1}, 0, 100));
    assertThrows(IllegalArgumentException.class, () -> TextTokens.embeddingVocabSize(0, 4));
  }
}
