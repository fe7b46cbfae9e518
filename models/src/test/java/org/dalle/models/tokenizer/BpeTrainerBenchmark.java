package org.dalle.models.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Prints how long {@link BpeTrainer} takes on a caption-scale vocabulary: about 100,000 distinct
 * words with Zipf-distributed counts, trained to the paper's 16,384 tokens. Not a test: run it with
 * the test classpath, {@code java ... org.dalle.models.tokenizer.BpeTrainerBenchmark [words]
 * [vocabSize]}.
 */
public final class BpeTrainerBenchmark {

  private static final String LETTERS = "etaoinshrdlucmfwypvbgkjqxz";

  private BpeTrainerBenchmark() {}

  public static void main(String[] args) {
    int distinctWords = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int vocabSize = args.length > 1 ? Integer.parseInt(args[1]) : 16_384;
    Map<String, Long> counts = zipfWords(distinctWords, new Random(42));
    long totalBytes = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      totalBytes += e.getKey().length() * e.getValue();
    }
    BpeTokenizer tokenizer = null;
    for (int run = 0; run < 2; run++) {
      long start = System.nanoTime();
      BpeModel model = new BpeTrainer(vocabSize, 2).train(counts);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "run %d: %d distinct words (%d bytes of text) -> %d tokens, %d merges in %.2f s%n",
          run, counts.size(), totalBytes, model.vocabSize(), model.merges().size(), seconds);
      tokenizer = new BpeTokenizer(model);
    }
    long start = System.nanoTime();
    long tokens = 0;
    for (String word : counts.keySet()) {
      tokens += tokenizer.encode(ByteLevelAlphabet.decode(word)).length;
    }
    System.out.printf(
        "encode: %d distinct words -> %d tokens in %.2f s%n",
        counts.size(), tokens, (System.nanoTime() - start) / 1e9);
  }

  /** Pseudo-words with a leading space, the i-th most frequent seen about 1e6 / i times. */
  private static Map<String, Long> zipfWords(int n, Random rng) {
    Map<String, Long> counts = new HashMap<>();
    int rank = 1;
    while (counts.size() < n) {
      StringBuilder word = new StringBuilder("Ġ");
      int length = 2 + rng.nextInt(4) + rng.nextInt(5);
      for (int i = 0; i < length; i++) {
        // Skewed letter choice so that some pairs are much more frequent than others.
        word.append(LETTERS.charAt((int) (LETTERS.length() * Math.pow(rng.nextDouble(), 2))));
      }
      if (counts.putIfAbsent(word.toString(), Math.max(1L, 1_000_000L / rank)) == null) {
        rank++;
      }
    }
    return counts;
  }
}
