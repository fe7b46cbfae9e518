package org.dalle.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BpeTokenizerTest {

  private static final BpeTokenizer CAPTIONS =
      new BpeTokenizer(
          new BpeTrainer(600, 2)
              .train(SyntheticCaptions.wordCounts(SyntheticCaptions.generate(11, 500))));

  private static BpeModel handModel(String... merges) {
    List<String> tokens = new ArrayList<>(ByteLevelAlphabet.symbols());
    List<BpeModel.Merge> list = new ArrayList<>();
    for (String merge : merges) {
      String[] parts = merge.split(" ");
      list.add(new BpeModel.Merge(parts[0], parts[1]));
      tokens.add(parts[0] + parts[1]);
    }
    return new BpeModel(tokens, list);
  }

  private static List<String> tokens(BpeTokenizer tokenizer, String text) {
    List<String> tokens = new ArrayList<>();
    for (int id : tokenizer.encode(text)) {
      tokens.add(tokenizer.model().token(id));
    }
    return tokens;
  }

  @Test
  void appliesMergesInRankOrderNotLeftToRight() {
    BpeTokenizer abFirst = new BpeTokenizer(handModel("a b", "b c"));
    BpeTokenizer bcFirst = new BpeTokenizer(handModel("b c", "a b"));
    assertEquals(List.of("ab", "c"), tokens(abFirst, "abc"));
    assertEquals(List.of("a", "bc"), tokens(bcFirst, "abc"));
    // Equal ranks go to the leftmost pair: "aaa" is "aa a", never "a aa".
    assertEquals(List.of("aa", "a"), tokens(new BpeTokenizer(handModel("a a")), "aaa"));
  }

  @Test
  void mergesNeverCrossPreTokenizedWords() {
    // Applied to "hugĠhugs" as one word, the best merge g-Ġ would give h u gĠ hug s.
    BpeTokenizer tokenizer = new BpeTokenizer(handModel("g Ġ", "u g", "h ug", "Ġ hug"));
    assertEquals(List.of("hug", "Ġhug", "s"), tokens(tokenizer, "hug hugs"));
    assertEquals(256 + 4, tokenizer.vocabSize());
  }

  @Test
  void frequentWordsBecomeOneToken() {
    int[] ids = CAPTIONS.encode("a small red circle");
    assertEquals(4, ids.length, tokens(CAPTIONS, "a small red circle").toString());
    assertEquals(List.of("Ġcircle"), tokens(CAPTIONS, " circle"));
  }

  @Test
  void decodeInvertsEncode() {
    List<String> texts = new ArrayList<>(SyntheticCaptions.generate(12, 200));
    texts.addAll(
        List.of("", " ", "  x  ", "naïve café 東京 🐱🐶 👩‍💻 ½ ٣", "tab\tnew\nline\r\n", "\u0000"));
    Random rng = new Random(13);
    for (int i = 0; i < 200; i++) {
      // Random code points from all planes, skipping lone surrogates, which UTF-8 cannot hold.
      StringBuilder text = new StringBuilder();
      for (int j = 0; j < 1 + rng.nextInt(20); j++) {
        int codePoint = rng.nextBoolean() ? rng.nextInt(0x80) : rng.nextInt(0x10FFFF);
        if (codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE) {
          text.appendCodePoint(codePoint);
        }
      }
      texts.add(text.toString());
    }
    for (String text : texts) {
      assertEquals(text, CAPTIONS.decode(CAPTIONS.encode(text)), text);
    }
  }

  @Test
  void decodeRejectsIdsOutsideTheVocabulary() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CAPTIONS.decode(new int[] {1, 600}));
    assertTrue(e.getMessage().contains("token id 600"), e.getMessage());
  }

  @Test
  void zeroDropoutIsPlainEncoding() {
    Random rng = new Random(1);
    for (String text : SyntheticCaptions.generate(14, 50)) {
      assertArrayEquals(CAPTIONS.encode(text), CAPTIONS.encode(text, 0.0, rng), text);
    }
  }

  @Test
  void dropoutSplitsWordsMoreOftenAndStillDecodes() {
    Random rng = new Random(2);
    List<String> texts = SyntheticCaptions.generate(15, 200);
    long plain = 0;
    long dropped = 0;
    for (String text : texts) {
      plain += CAPTIONS.encode(text).length;
      int[] ids = CAPTIONS.encode(text, 0.1, rng);
      dropped += ids.length;
      assertEquals(text, CAPTIONS.decode(ids));
    }
    assertTrue(dropped > plain * 1.05, "dropout 0.1 gave " + dropped + " tokens, plain " + plain);
    String text = texts.get(0);
    assertEquals(
        text.getBytes(StandardCharsets.UTF_8).length, CAPTIONS.encode(text, 1.0, rng).length);
  }

  @Test
  void rejectsDropoutOutsideZeroToOne() {
    Random rng = new Random(3);
    assertThrows(IllegalArgumentException.class, () -> CAPTIONS.encode("a", -0.1, rng));
    assertThrows(IllegalArgumentException.class, () -> CAPTIONS.encode("a", 1.5, rng));
    assertThrows(IllegalArgumentException.class, () -> CAPTIONS.encode("a", Double.NaN, rng));
  }
}
