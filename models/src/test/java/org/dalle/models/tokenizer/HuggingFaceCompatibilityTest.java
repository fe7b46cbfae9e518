package org.dalle.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The written {@code tokenizer.json} loads in HuggingFace tokenizers (the native library bundled
 * with DJL 0.35.1) and gives the same ids as {@link BpeTokenizer}.
 */
class HuggingFaceCompatibilityTest {

  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  private static final List<String> EDGE_CASES =
      List.of(
          "",
          " ",
          "   leading and trailing   ",
          "tabs\tand\nnew\r\nlines\n\n",
          "it's they're we've I'm you'll he'd 'S 'LL",
          "numbers 3.14159 and 1,000,000 and ٣ and ½",
          "punctuation!?... --- (nested [brackets]) {x}",
          "café naïve façade Ærø ß straße",
          "emoji 🐱🐶 and flags 🇫🇷, zwj 👩‍💻",
          "日本語のテキスト 東京",
          "no\u00a0break\u2003em space\u3000ideographic",
          "unicode white space \u00a0x \u2003 y\u3000\u3000z \u00a0\u00a0 q\u00a0 \u00a0",
          "more white space a \u0085\u0085b ok \u1680x a\u2028 b a \u000bb a \u200bb",
          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

  @Test
  void djlTokenizerGivesTheSameIdsAsTheJavaEncoder(@TempDir Path dir) throws IOException {
    List<String> training = SyntheticCaptions.generate(1, 400);
    BpeModel model = new BpeTrainer(500, 2).train(SyntheticCaptions.wordCounts(training));
    assertEquals(500, model.vocabSize(), "the corpus should be rich enough to fill the vocabulary");
    Path json = dir.resolve("tokenizer.json");
    Files.writeString(json, model.toTokenizerJson());
    BpeTokenizer ours = BpeTokenizer.load(json);

    List<String> texts = new ArrayList<>(training);
    texts.addAll(SyntheticCaptions.generate(2, 200));
    texts.addAll(EDGE_CASES);
    try (HuggingFaceTokenizer hf = loadWithDjl(json)) {
      long merged = 0;
      for (String text : texts) {
        int[] ids = ours.encode(text);
        long[] expected = hf.encode(text).getIds();
        assertArrayEquals(expected, Arrays.stream(ids).asLongStream().toArray(), text);
        assertEquals(hf.decode(expected, false), ours.decode(ids), text);
        merged += text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length - ids.length;
      }
      assertTrue(merged > 10_000, "merges should shorten the texts a lot, saved " + merged);
    }
  }

  /**
   * With every one of our pre-tokenized pieces learned as a single token, HuggingFace can only give
   * the same ids if its pre-tokenizer cuts the text at the same places (Unicode white space,
   * contractions, digits, emoji).
   */
  @Test
  void preTokenizerCutsWhereHuggingFaceCuts(@TempDir Path dir) throws IOException {
    BpeModel model = new BpeTrainer(20_000, 1).train(SyntheticCaptions.wordCounts(EDGE_CASES));
    Path json = dir.resolve("tokenizer.json");
    Files.writeString(json, model.toTokenizerJson());
    BpeTokenizer ours = new BpeTokenizer(model);
    try (HuggingFaceTokenizer hf = loadWithDjl(json)) {
      for (String text : EDGE_CASES) {
        int[] ids = ours.encode(text);
        assertEquals(ByteLevelPreTokenizer.split(text).size(), ids.length, text);
        long[] expected = hf.encode(text).getIds();
        assertArrayEquals(expected, Arrays.stream(ids).asLongStream().toArray(), text);
      }
    }
  }

  private static HuggingFaceTokenizer loadWithDjl(Path json) throws IOException {
    return HuggingFaceTokenizer.builder()
        .optTokenizerPath(json)
        .optAddSpecialTokens(false)
        .optTruncation(false)
        .optPadding(false)
        .build();
  }
}
