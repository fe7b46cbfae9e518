package org.dalle.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteLevelPreTokenizerTest {

  @Test
  void alphabetMapsEveryByteToItsOwnPrintableSymbol() {
    List<String> symbols = ByteLevelAlphabet.symbols();
    assertEquals(256, symbols.size());
    assertEquals(256, new HashSet<>(symbols).size());
    assertEquals("!", symbols.get(0));
    assertEquals('Ġ', ByteLevelAlphabet.symbolOf((byte) ' '));
    assertEquals('Ċ', ByteLevelAlphabet.symbolOf((byte) '\n'));
    assertEquals('a', ByteLevelAlphabet.symbolOf((byte) 'a'));
    assertEquals('Ń', ByteLevelAlphabet.symbolOf((byte) 0xAD));
    for (int b = 0; b < 256; b++) {
      char symbol = ByteLevelAlphabet.symbolOf((byte) b);
      assertEquals(b, ByteLevelAlphabet.byteOf(symbol));
      assertTrue(!Character.isWhitespace(symbol) && !Character.isISOControl(symbol), "byte " + b);
    }
  }

  @Test
  void alphabetDecodeRejectsCharactersOutsideIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ByteLevelAlphabet.decode("ab c"));
    assertTrue(e.getMessage().contains("U+0020"), e.getMessage());
  }

  @Test
  void wordsKeepTheirLeadingSpace() {
    assertEquals(List.of("a", "Ġred", "Ġcircle"), ByteLevelPreTokenizer.split("a red circle"));
  }

  @Test
  void runsOfSpacesLeaveOneSpaceForTheNextWord() {
    assertEquals(
        List.of("Ġ", "Ġtwo", "Ġ", "Ġspaces", "ĠĠ"), ByteLevelPreTokenizer.split("  two  spaces  "));
    // "\s+(?!\S)" backs off one character before a word, and the last tab, not being a space,
    // cannot join the word, so it stands alone.
    assertEquals(List.of("a", "Ċ", "b", "ĉ", "ĉ", "c"), ByteLevelPreTokenizer.split("a\nb\t\tc"));
  }

  @Test
  void punctuationAndDigitsAreTheirOwnPieces() {
    assertEquals(List.of("wow", "!!!", "Ġok", "?"), ByteLevelPreTokenizer.split("wow!!! ok?"));
    assertEquals(
        List.of("abc", "123", "Ġ4", ".", "5", "cm"), ByteLevelPreTokenizer.split("abc123 4.5cm"));
  }

  @Test
  void lowercaseContractionsAreSplitOff() {
    assertEquals(
        List.of("it", "'s", "Ġwe", "'ll", "Ġthey", "'re", "ĠI", "'", "M"),
        ByteLevelPreTokenizer.split("it's we'll they're I'M"));
  }

  @Test
  void nonAsciiTextIsWrittenAsUtf8Bytes() {
    // é is C3 A9; the cat emoji is F0 9F 90 B1, whose bytes 9F and 90 are unprintable and become
    // U+0141 and U+0132.
    assertEquals(List.of("cafÃ©"), ByteLevelPreTokenizer.split("café"));
    assertEquals(List.of("ðŁĲ±", "Ġcat"), ByteLevelPreTokenizer.split("🐱 cat"));
    assertEquals(List.of("a", "Ġ", "Âł", "b"), ByteLevelPreTokenizer.split("a \u00a0b"));
  }

  @Test
  void piecesDecodeBackToTheText() {
    for (String text :
        List.of("", " ", "a  b\t\n", "naïve 東京 🐱🐶 it's 3.5%", "x\u3000\u3000y \u2028z")) {
      String joined = String.join("", ByteLevelPreTokenizer.split(text));
      assertEquals(text, ByteLevelAlphabet.decode(joined));
    }
    assertEquals(List.of(), ByteLevelPreTokenizer.split(""));
  }
}
