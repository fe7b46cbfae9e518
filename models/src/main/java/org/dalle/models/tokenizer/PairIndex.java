package org.dalle.models.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The trainer's working state: every word as a sequence of token ids, and for every adjacent pair
 * of tokens its count (weighted by word counts) and the words that contain it. A merge rewrites
 * only the words that contain the merged pair and updates the counts of the pairs it touches.
 */
final class PairIndex {

  /** Receives one pair and its count. */
  interface PairCount {
    void accept(long pair, long count);
  }

  private static final class Stats {
    long count;
    final Set<Integer> words = new HashSet<>();
  }

  private final int[][] words;
  private final int[] lengths;
  private final long[] wordCounts;
  private final Map<Long, Stats> pairs = new HashMap<>();

  /**
   * @param words each word's token ids; the arrays are rewritten in place by {@link #merge}
   * @param wordCounts how often each word occurs
   */
  PairIndex(int[][] words, long[] wordCounts) {
    this.words = words;
    this.wordCounts = wordCounts;
    this.lengths = new int[words.length];
    for (int w = 0; w < words.length; w++) {
      lengths[w] = words[w].length;
      for (int i = 0; i + 1 < lengths[w]; i++) {
        Stats stats = pairs.computeIfAbsent(pair(words[w][i], words[w][i + 1]), k -> new Stats());
        stats.count += wordCounts[w];
        stats.words.add(w);
      }
    }
  }

  /** The pair key of tokens {@code left} then {@code right}. */
  static long pair(int left, int right) {
    return BpeTokenizer.pairKey(left, right);
  }

  /** The current count of {@code pair}; 0 if it occurs nowhere. */
  long count(long pair) {
    Stats stats = pairs.get(pair);
    return stats == null ? 0 : stats.count;
  }

  void forEachPair(PairCount action) {
    pairs.forEach((pair, stats) -> action.accept(pair, stats.count));
  }

  /**
   * Replaces every occurrence of {@code pair}, scanning each word left to right, with token {@code
   * merged}, and updates the counts of the neighbouring pairs.
   *
   * @return the pairs whose count rose, which the caller must queue again
   */
  List<Long> merge(long pair, int merged) {
    Stats stats = pairs.remove(pair);
    if (stats == null) {
      return List.of();
    }
    int left = (int) (pair >>> 32);
    int right = (int) pair;
    Map<Long, Long> change = new HashMap<>();
    for (int w : stats.words) {
      long[] before = sortedPairs(words[w], lengths[w]);
      lengths[w] = mergeInPlace(words[w], lengths[w], left, right, merged);
      long[] after = sortedPairs(words[w], lengths[w]);
      int i = 0;
      int j = 0;
      while (i < before.length || j < after.length) {
        long key =
            j >= after.length || (i < before.length && before[i] < after[j]) ? before[i] : after[j];
        int had = 0;
        while (i < before.length && before[i] == key) {
          had++;
          i++;
        }
        int has = 0;
        while (j < after.length && after[j] == key) {
          has++;
          j++;
        }
        if (had != has && key != pair) {
          long delta = (long) (has - had) * wordCounts[w];
          change.merge(key, delta, Long::sum);
          update(key, w, delta, had, has);
        }
      }
    }
    List<Long> risen = new ArrayList<>();
    change.forEach(
        (key, delta) -> {
          if (delta > 0) {
            risen.add(key);
          }
        });
    return risen;
  }

  private void update(long key, int w, long delta, int had, int has) {
    Stats stats = pairs.computeIfAbsent(key, k -> new Stats());
    stats.count += delta;
    if (had == 0) {
      stats.words.add(w);
    } else if (has == 0) {
      stats.words.remove(w);
    }
    if (stats.words.isEmpty()) {
      pairs.remove(key);
    }
  }

  private static int mergeInPlace(int[] symbols, int length, int left, int right, int merged) {
    int out = 0;
    int i = 0;
    while (i < length) {
      if (i + 1 < length && symbols[i] == left && symbols[i + 1] == right) {
        symbols[out++] = merged;
        i += 2;
      } else {
        symbols[out++] = symbols[i++];
      }
    }
    return out;
  }

  private static long[] sortedPairs(int[] symbols, int length) {
    long[] keys = new long[Math.max(length - 1, 0)];
    for (int i = 0; i + 1 < length; i++) {
      keys[i] = pair(symbols[i], symbols[i + 1]);
    }
    Arrays.sort(keys);
    return keys;
  }
}
