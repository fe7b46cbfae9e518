package org.dalle.models.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Learns a byte-level BPE vocabulary from word counts (Sennrich et al. 2016; the paper's text
 * tokenizer, section 2.2): starting from the 256 byte symbols, repeatedly merge the most frequent
 * adjacent pair of tokens into a new token.
 *
 * <p>Ties between equally frequent pairs go to the pair with the smaller left token id, then the
 * smaller right token id (ids are the 256 byte symbols in code-point order, then tokens in the
 * order they were learned), as in HuggingFace's trainer. Training stops when the vocabulary has
 * {@code vocabSize} tokens or no pair occurs {@code minFrequency} times.
 *
 * <p>Pair counts are kept up to date incrementally: an index maps each pair to the words that
 * contain it, so a merge only revisits those words, and a priority queue holds candidate pairs
 * whose entries are checked against the current count when they come out (lazy invalidation).
 */
public final class BpeTrainer {

  private final int vocabSize;
  private final int minFrequency;

  /**
   * @param vocabSize the number of tokens to learn, at least the 256 byte symbols
   * @param minFrequency the fewest (count-weighted) occurrences a pair needs to be merged, >= 1
   */
  public BpeTrainer(int vocabSize, int minFrequency) {
    if (vocabSize < ByteLevelAlphabet.SIZE) {
      throw new IllegalArgumentException(
          String.format(
              "vocabSize is %d; expected at least %d, the byte symbols every vocabulary starts with",
              vocabSize, ByteLevelAlphabet.SIZE));
    }
    if (minFrequency < 1) {
      throw new IllegalArgumentException(
          "minFrequency is " + minFrequency + "; expected at least 1 occurrence");
    }
    this.vocabSize = vocabSize;
    this.minFrequency = minFrequency;
  }

  /**
   * Learns merges from {@code wordCounts}, whose keys are byte-level words as returned by {@link
   * ByteLevelPreTokenizer#split} and whose values are how often each occurs.
   *
   * @throws IllegalArgumentException if a word is empty or not byte-level, or a count is not
   *     positive
   */
  public BpeModel train(Map<String, Long> wordCounts) {
    List<String> tokens = new ArrayList<>(ByteLevelAlphabet.symbols());
    Map<String, Integer> ids = new HashMap<>();
    for (int id = 0; id < tokens.size(); id++) {
      ids.put(tokens.get(id), id);
    }
    // Sorted so that word indices, and with them everything downstream, do not depend on the
    // iteration order of the caller's map.
    TreeMap<String, Long> sorted = new TreeMap<>(wordCounts);
    int[][] words = new int[sorted.size()][];
    long[] counts = new long[sorted.size()];
    int w = 0;
    for (Map.Entry<String, Long> entry : sorted.entrySet()) {
      words[w] = toSymbolIds(entry.getKey(), ids);
      counts[w] = checkCount(entry.getKey(), entry.getValue());
      w++;
    }

    PairIndex index = new PairIndex(words, counts);
    PriorityQueue<Candidate> queue = new PriorityQueue<>(Candidate.ORDER);
    index.forEachPair(
        (pair, count) -> {
          if (count >= minFrequency) {
            queue.add(new Candidate(pair, count));
          }
        });

    List<BpeModel.Merge> merges = new ArrayList<>();
    Set<Long> merged = new HashSet<>();
    while (tokens.size() < vocabSize && !queue.isEmpty()) {
      Candidate top = queue.poll();
      long current = index.count(top.pair);
      if (current != top.count) {
        // A lower count than queued: queue it again at its true count. A higher count was queued
        // when it rose, so that entry is the one to use.
        if (current < top.count && current >= minFrequency) {
          queue.add(new Candidate(top.pair, current));
        }
        continue;
      }
      int left = (int) (top.pair >>> 32);
      int right = (int) top.pair;
      String token = tokens.get(left) + tokens.get(right);
      // As in HuggingFace's trainer, a pair that spells an existing token reuses its id.
      Integer newId = ids.get(token);
      if (newId == null) {
        newId = tokens.size();
        tokens.add(token);
        ids.put(token, newId);
      }
      // A pair merged before can form again only when a later merge rebuilt one of its tokens
      // from other parts; its merge is already listed with a better rank, so just apply it.
      if (merged.add(top.pair)) {
        merges.add(new BpeModel.Merge(tokens.get(left), tokens.get(right)));
      }
      for (long risen : index.merge(top.pair, newId)) {
        long count = index.count(risen);
        if (count >= minFrequency) {
          queue.add(new Candidate(risen, count));
        }
      }
    }
    return new BpeModel(tokens, merges);
  }

  private static int[] toSymbolIds(String word, Map<String, Integer> ids) {
    if (word.isEmpty()) {
      throw new IllegalArgumentException(
          "word counts have the empty word; expected words from ByteLevelPreTokenizer.split");
    }
    int[] symbols = new int[word.length()];
    for (int i = 0; i < word.length(); i++) {
      Integer id = ids.get(String.valueOf(word.charAt(i)));
      if (id == null) {
        throw new IllegalArgumentException(
            String.format(
                "word \"%s\" has character U+%04X, which is not a byte-level symbol; expected words"
                    + " from ByteLevelPreTokenizer.split",
                word, (int) word.charAt(i)));
      }
      symbols[i] = id;
    }
    return symbols;
  }

  private static long checkCount(String word, Long count) {
    if (count == null || count < 1) {
      throw new IllegalArgumentException(
          String.format("word \"%s\" has count %s; expected a positive count", word, count));
    }
    return count;
  }

  /** A queued pair with the count it had when queued. */
  private record Candidate(long pair, long count) {
    static final Comparator<Candidate> ORDER =
        Comparator.comparingLong(Candidate::count)
            .reversed()
            .thenComparingInt(c -> (int) (c.pair >>> 32))
            .thenComparingInt(c -> (int) c.pair);
  }
}
