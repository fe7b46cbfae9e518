package org.dalle.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {

  /**
   * Pair counts by hand: u-g 10+5+5=20, p-u 5+12=17, u-n 12+4=16, h-u 10+5=15, g-s 5, b-u 4. After
   * ug: h-ug 15, p-ug 5, ug-s 5, u-n 16. After un: p-un 12, b-un 4. Then hug (15), pun (12); then
   * p-ug and hug-s tie at 5 and p (a byte symbol) has the smaller id; then hugs (5), bun (4).
   */
  private static final Map<String, Long> HUGS =
      Map.of("hug", 10L, "pug", 5L, "pun", 12L, "bun", 4L, "hugs", 5L);

  private static List<BpeModel.Merge> merges(String... pairs) {
    return java.util.Arrays.stream(pairs)
        .map(p -> new BpeModel.Merge(p.split(" ")[0], p.split(" ")[1]))
        .toList();
  }

  @Test
  void learnsTheMergesComputedByHand() {
    BpeModel model = new BpeTrainer(1000, 1).train(HUGS);
    assertEquals(merges("u g", "u n", "h ug", "p un", "p ug", "hug s", "b un"), model.merges());
    assertEquals(
        List.of("ug", "un", "hug", "pun", "pug", "hugs", "bun"),
        model.tokens().subList(256, model.vocabSize()));
  }

  @Test
  void byteSymbolsComeFirstInGpt2Order() {
    BpeModel model = new BpeTrainer(300, 1).train(HUGS);
    assertEquals(ByteLevelAlphabet.symbols(), model.tokens().subList(0, 256));
    assertEquals(256, model.id("ug"));
  }

  @Test
  void stopsAtTheVocabularySize() {
    BpeModel model = new BpeTrainer(259, 1).train(HUGS);
    assertEquals(259, model.vocabSize());
    assertEquals(merges("u g", "u n", "h ug"), model.merges());
    assertEquals(256, new BpeTrainer(256, 1).train(HUGS).vocabSize());

    BpeModel captions =
        new BpeTrainer(300, 1)
            .train(SyntheticCaptions.wordCounts(SyntheticCaptions.generate(5, 200)));
    assertEquals(300, captions.vocabSize());
  }

  @Test
  void mergesOnlyPairsThatReachTheMinimumFrequency() {
    BpeModel model = new BpeTrainer(1000, 5).train(HUGS);
    assertEquals(merges("u g", "u n", "h ug", "p un", "p ug", "hug s"), model.merges());
    assertEquals(List.of(), new BpeTrainer(1000, 21).train(HUGS).merges());
  }

  @Test
  void sameInputGivesTheSameModelWhateverTheMapOrder() {
    Map<String, Long> counts = SyntheticCaptions.wordCounts(SyntheticCaptions.generate(9, 300));
    Map<String, Long> reversed = new LinkedHashMap<>();
    new TreeMap<>(counts).descendingMap().forEach(reversed::put);
    BpeModel first = new BpeTrainer(400, 2).train(counts);
    assertEquals(first, new BpeTrainer(400, 2).train(counts));
    assertEquals(first, new BpeTrainer(400, 2).train(reversed));
  }

  @Test
  void countsRepeatedAndOverlappingPairsOnce() {
    // "aaaa" holds a-a three times but merges to "aa aa"; a-a's count must then drop to 0 so it is
    // not merged again, and aa-aa (count 3) is next.
    BpeModel model = new BpeTrainer(1000, 1).train(Map.of("aaaa", 3L, "ab", 2L));
    assertEquals(merges("a a", "aa aa", "a b"), model.merges());
  }

  @Test
  void rejectsBadArguments() {
    assertMessage(() -> new BpeTrainer(255, 1), "vocabSize is 255");
    assertMessage(() -> new BpeTrainer(1000, 0), "minFrequency is 0");
    BpeTrainer trainer = new BpeTrainer(1000, 1);
    assertMessage(() -> trainer.train(Map.of("a b", 1L)), "U+0020");
    assertMessage(() -> trainer.train(Map.of("ab", 0L)), "count 0");
    assertMessage(() -> trainer.train(Map.of("", 3L)), "empty word");
  }

  private static void assertMessage(Runnable action, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
