package org.dalle.models.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Caption-like test text: scene descriptions with numbers, punctuation, accents and emoji. */
final class SyntheticCaptions {

  private static final String[] COLOURS = {
    "red", "green", "blue", "yellow", "purple", "orange", "white", "black", "crimson", "teal"
  };
  private static final String[] SHAPES = {
    "circle", "square", "triangle", "star", "hexagon", "cross", "heart", "ring", "diamond"
  };
  private static final String[] SIZES = {"small", "large", "tiny", "huge", "medium-sized"};
  private static final String[] PLACES = {
    "on the left",
    "on the right",
    "at the top",
    "in the corner",
    "next to a café",
    "under a naïve sketch",
    "beside the 東京 sign",
    "near a 🐱",
    "behind the façade"
  };
  private static final String[] TAILS = {
    "",
    ".",
    "!",
    "?",
    " ...",
    " — it's bright.",
    " (2 of them)",
    " they're 3.5cm wide",
    " we'll see",
    " it'd glow",
    "  twice",
    "\tindented",
    "\nnew line",
    " 100% opaque",
    " #42"
  };

  private static final String[] SYLLABLES = {
    "ka", "lo", "mi", "ra", "zen", "tu", "bel", "qui", "sho", "ny", "é", "ø", "dra", "fi", "gu"
  };

  private SyntheticCaptions() {}

  /** {@code n} captions drawn with a fixed seed. */
  static List<String> generate(long seed, int n) {
    Random rng = new Random(seed);
    List<String> captions = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StringBuilder caption = new StringBuilder();
      caption.append(rng.nextBoolean() ? "a " : "an image of ").append(rng.nextInt(12)).append(' ');
      caption.append(pick(rng, SIZES)).append(' ').append(pick(rng, COLOURS)).append(' ');
      caption.append(pick(rng, SHAPES)).append(rng.nextInt(3) == 0 ? "s " : " ");
      caption.append(pick(rng, PLACES)).append(" named ");
      for (int s = 0; s < 2 + rng.nextInt(3); s++) {
        caption.append(pick(rng, SYLLABLES));
      }
      caption.append(pick(rng, TAILS));
      captions.add(caption.toString());
    }
    return captions;
  }

  /** Byte-level word counts of {@code texts}, as the prepare pipeline computes them. */
  static Map<String, Long> wordCounts(List<String> texts) {
    Map<String, Long> counts = new HashMap<>();
    for (String text : texts) {
      for (String word : ByteLevelPreTokenizer.split(text)) {
        counts.merge(word, 1L, Long::sum);
      }
    }
    return counts;
  }

  private static String pick(Random rng, String[] options) {
    return options[rng.nextInt(options.length)];
  }
}
