package org.dalle.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dalle.models.tokenizer.BpeModel;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.tokenizer.BpeTrainer;
import org.dalle.models.tokenizer.ByteLevelPreTokenizer;

/** Small captioned images for the contrastive model's tests: coloured squares on black. */
final class ClipTestData {

  static final List<String> CAPTIONS =
      List.of("a red square", "a green square", "a blue square", "a red dot");

  /** A BPE learned on the captions (about 280 tokens). */
  static final BpeModel BPE = learnBpe();

  private ClipTestData() {}

  static BpeTokenizer tokenizer() {
    return new BpeTokenizer(BPE);
  }

  /** Two text resblocks of width 16, a two-group CNN over 16×16 images, an 8-wide space. */
  static ClipConfig config() {
    return new ClipConfig(16, 8, 2, 1, 6, BPE.vocabSize(), 16, 2, 2, 8);
  }

  /** Image {@code i} of {@link #CAPTIONS}, {@code (3, size, size)} in [0, 1]. */
  static float[] image(int i, int size) {
    float[] pixels = new float[3 * size * size];
    int channel = i == 3 ? 0 : i;
    int from = i == 3 ? size / 2 - 1 : size / 4;
    int to = i == 3 ? size / 2 + 1 : 3 * size / 4;
    for (int y = from; y < to; y++) {
      for (int x = from; x < to; x++) {
        pixels[channel * size * size + y * size + x] = 1f;
      }
    }
    return pixels;
  }

  /** All four images, {@code (4, 3, size, size)}. */
  static NDArray images(NDManager manager, int size) {
    int floats = 3 * size * size;
    float[] all = new float[CAPTIONS.size() * floats];
    for (int i = 0; i < CAPTIONS.size(); i++) {
      System.arraycopy(image(i, size), 0, all, i * floats, floats);
    }
    return manager.create(all, new Shape(CAPTIONS.size(), 3, size, size));
  }

  /** Token rows of {@code captions}, {@code (n, L)}. */
  static NDArray ids(NDManager manager, List<String> captions, ClipConfig config) {
    int length = config.textLength();
    long[] ids = new long[captions.size() * length];
    for (int i = 0; i < captions.size(); i++) {
      long[] row = ClipScorer.tokenize(tokenizer(), captions.get(i), length);
      System.arraycopy(row, 0, ids, i * length, length);
    }
    return manager.create(ids, new Shape(captions.size(), length));
  }

  private static BpeModel learnBpe() {
    Map<String, Long> words = new HashMap<>();
    for (String caption : CAPTIONS) {
      for (String word : ByteLevelPreTokenizer.split(caption)) {
        words.merge(word, 1L, Long::sum);
      }
    }
    return new BpeTrainer(270, 1).train(words);
  }
}
