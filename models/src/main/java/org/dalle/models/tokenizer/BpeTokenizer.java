package org.dalle.models.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encodes text to BPE token ids and back, giving the same ids as HuggingFace tokenizers on the
 * {@code tokenizer.json} of the same {@link BpeModel}; optionally with BPE-dropout (Provilkov et
 * al. 2020), which the paper applies to 10% of merges during transformer training (section 2.2).
 *
 * <p>Within each pre-tokenized word the lowest-ranked merge present is applied first, ties going to
 * the leftmost position, until no learned merge applies. Thread-safe: words encoded without dropout
 * are cached in a bounded concurrent map.
 */
public final class BpeTokenizer {

  /** Most words kept in the cache; past it words are still encoded, just not remembered. */
  static final int CACHE_CAPACITY = 100_000;

  private final BpeModel model;

  /** Token id of each byte symbol, indexed by the symbol's character (all below U+0144). */
  private final int[] symbolIds = new int[0x144];

  private final Map<Long, Integer> rankByPair;
  private final int[] mergedIdByRank;
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();

  public BpeTokenizer(BpeModel model) {
    this.model = Objects.requireNonNull(model, "model");
    Arrays.fill(symbolIds, -1);
    for (String symbol : ByteLevelAlphabet.symbols()) {
      symbolIds[symbol.charAt(0)] = model.id(symbol);
    }
    List<BpeModel.Merge> merges = model.merges();
    rankByPair = new HashMap<>(merges.size() * 2);
    mergedIdByRank = new int[merges.size()];
    for (int rank = 0; rank < merges.size(); rank++) {
      BpeModel.Merge merge = merges.get(rank);
      rankByPair.put(pairKey(model.id(merge.left()), model.id(merge.right())), rank);
      mergedIdByRank[rank] = model.id(merge.merged());
    }
  }

  /**
   * A tokenizer for the model in {@code tokenizer.json} text; see {@link
   * BpeModel#fromTokenizerJson}.
   */
  public static BpeTokenizer fromTokenizerJson(String json) {
    return new BpeTokenizer(BpeModel.fromTokenizerJson(json));
  }

  /** A tokenizer for the {@code tokenizer.json} file at {@code path}. */
  public static BpeTokenizer load(Path path) throws IOException {
    return fromTokenizerJson(Files.readString(path, StandardCharsets.UTF_8));
  }

  public BpeModel model() {
    return model;
  }

  /** Number of tokens; every id returned by {@link #encode} is below it. */
  public int vocabSize() {
    return model.vocabSize();
  }

  /** The token ids of {@code text}, applying every learned merge. */
  public int[] encode(String text) {
    IdBuffer ids = new IdBuffer(text.length());
    for (String word : ByteLevelPreTokenizer.split(text)) {
      int[] wordIds = cache.get(word);
      if (wordIds == null) {
        wordIds = mergeWord(word, 0.0, null);
        if (cache.size() < CACHE_CAPACITY) {
          cache.put(word, wordIds);
        }
      }
      ids.addAll(wordIds);
    }
    return ids.toArray();
  }

  /**
   * The token ids of {@code text} with BPE-dropout: each time a merge comes up it is skipped with
   * probability {@code dropout}, as HuggingFace's BPE does (skipped merges return to the queue when
   * a later one is not skipped). {@code dropout = 0} gives {@link #encode(String)}; {@code 1} gives
   * one token per byte.
   */
  public int[] encode(String text, double dropout, Random rng) {
    if (!(dropout >= 0.0 && dropout <= 1.0)) {
      throw new IllegalArgumentException("dropout is " + dropout + "; expected a value in [0, 1]");
    }
    if (dropout == 0.0) {
      return encode(text);
    }
    Objects.requireNonNull(rng, "rng");
    IdBuffer ids = new IdBuffer(text.length());
    for (String word : ByteLevelPreTokenizer.split(text)) {
      ids.addAll(mergeWord(word, dropout, rng));
    }
    return ids.toArray();
  }

  /**
   * The text of {@code ids}. Ids that cut a multi-byte character apart decode to U+FFFD.
   *
   * @throws IllegalArgumentException if an id is outside {@code 0..vocabSize()-1} (padding ids
   *     included: remove them first with {@link TextTokens#unpad})
   */
  public String decode(int[] ids) {
    StringBuilder symbols = new StringBuilder(ids.length * 4);
    for (int id : ids) {
      symbols.append(model.token(id));
    }
    return ByteLevelAlphabet.decode(symbols);
  }

  /**
   * Applies merges to one byte-level word in HuggingFace's order: a queue of (rank, position) holds
   * every adjacent pair that has a merge; the smallest is applied, and the pairs it forms with its
   * neighbours are queued. Merged-away symbols stay in the arrays, marked removed, so positions
   * stay valid; a queued entry whose pair has changed since it was queued is skipped.
   */
  private int[] mergeWord(String word, double dropout, Random rng) {
    int n = word.length();
    int[] symbol = new int[n];
    int[] prev = new int[n];
    int[] next = new int[n];
    boolean[] removed = new boolean[n];
    PriorityQueue<Long> queue = new PriorityQueue<>();
    for (int i = 0; i < n; i++) {
      symbol[i] = symbolId(word, i);
      prev[i] = i - 1;
      next[i] = i + 1;
      if (i > 0) {
        offer(queue, rank(symbol[i - 1], symbol[i]), i - 1);
      }
    }
    List<Long> skipped = new ArrayList<>();
    while (!queue.isEmpty()) {
      long top = queue.poll();
      if (dropout > 0.0 && rng.nextDouble() < dropout) {
        skipped.add(top);
        continue;
      }
      queue.addAll(skipped);
      skipped.clear();
      int rank = (int) (top >>> 32);
      int pos = (int) top;
      int right = next[pos];
      if (removed[pos] || right >= n || rank(symbol[pos], symbol[right]) != rank) {
        continue;
      }
      symbol[pos] = mergedIdByRank[rank];
      removed[right] = true;
      next[pos] = next[right];
      if (next[pos] < n) {
        prev[next[pos]] = pos;
      }
      if (prev[pos] >= 0) {
        offer(queue, rank(symbol[prev[pos]], symbol[pos]), prev[pos]);
      }
      if (next[pos] < n) {
        offer(queue, rank(symbol[pos], symbol[next[pos]]), pos);
      }
    }
    IdBuffer ids = new IdBuffer(n);
    for (int i = 0; i < n; i = next[i]) {
      ids.add(symbol[i]);
    }
    return ids.toArray();
  }

  private int symbolId(String word, int index) {
    char c = word.charAt(index);
    if (!ByteLevelAlphabet.isSymbol(c)) {
      throw new IllegalArgumentException(
          String.format(
              "word \"%s\" has character U+%04X, which is not a byte-level symbol", word, (int) c));
    }
    return symbolIds[c];
  }

  private int rank(int left, int right) {
    Integer rank = rankByPair.get(pairKey(left, right));
    return rank == null ? -1 : rank;
  }

  /** Queues a merge; the key orders by rank, then position, like HuggingFace's merge queue. */
  private static void offer(PriorityQueue<Long> queue, int rank, int position) {
    if (rank >= 0) {
      queue.add(((long) rank << 32) | position);
    }
  }

  static long pairKey(int left, int right) {
    return ((long) left << 32) | (right & 0xFFFFFFFFL);
  }

  /** A growable int array, so encoding does not box every id. */
  private static final class IdBuffer {
    private int[] ids;
    private int size;

    IdBuffer(int capacity) {
      ids = new int[Math.max(capacity, 4)];
    }

    void add(int id) {
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
      }
      ids[size++] = id;
    }

    void addAll(int[] more) {
      if (size + more.length > ids.length) {
        ids = Arrays.copyOf(ids, Math.max(size * 2, size + more.length));
      }
      System.arraycopy(more, 0, ids, size, more.length);
      size += more.length;
    }

    int[] toArray() {
      return Arrays.copyOf(ids, size);
    }
  }
}
