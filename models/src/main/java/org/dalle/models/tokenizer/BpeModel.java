package org.dalle.models.tokenizer;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A learned byte-level BPE vocabulary (section 2.2 of the paper: "lowercased caption ...
 * BPE-encoded ... vocabulary size of 16,384"): the tokens by id and the merges in the order they
 * were learned, which is also the order the encoder applies them in.
 *
 * <p>Tokens are strings over the {@link ByteLevelAlphabet}; ids run from 0 to {@code vocabSize() -
 * 1}, and all 256 byte symbols are in the vocabulary, so every string can be encoded. The trainer
 * puts the byte symbols first, at ids 0..255.
 */
public final class BpeModel {

  /**
   * One learned merge: adjacent tokens {@code left} and {@code right} become {@code left+right}.
   */
  public record Merge(String left, String right) {
    public Merge {
      Objects.requireNonNull(left, "left");
      Objects.requireNonNull(right, "right");
    }

    /** The token this merge produces. */
    public String merged() {
      return left + right;
    }
  }

  private final List<String> tokens;
  private final Map<String, Integer> ids;
  private final List<Merge> merges;

  /**
   * @param tokens the vocabulary, token {@code i} having id {@code i}
   * @param merges the merges in rank order (rank 0 is applied first)
   * @throws IllegalArgumentException if a token is empty, repeated or not byte-level, a byte symbol
   *     is missing, or a merge is repeated or uses or produces a token outside the vocabulary
   */
  public BpeModel(List<String> tokens, List<Merge> merges) {
    this.tokens = List.copyOf(tokens);
    this.merges = List.copyOf(merges);
    Map<String, Integer> byToken = new HashMap<>(this.tokens.size() * 2);
    for (int id = 0; id < this.tokens.size(); id++) {
      String token = this.tokens.get(id);
      checkByteLevel(token, id);
      Integer previous = byToken.put(token, id);
      if (previous != null) {
        throw new IllegalArgumentException(
            String.format(
                "token \"%s\" has two ids, %d and %d; expected each token once",
                token, previous, id));
      }
    }
    for (String symbol : ByteLevelAlphabet.symbols()) {
      if (!byToken.containsKey(symbol)) {
        throw new IllegalArgumentException(
            String.format(
                "byte symbol \"%s\" (byte %d) is missing from the vocabulary; expected all 256 byte"
                    + " symbols so that every string can be encoded",
                symbol, ByteLevelAlphabet.byteOf(symbol.charAt(0))));
      }
    }
    Set<Merge> seen = new HashSet<>();
    for (int rank = 0; rank < this.merges.size(); rank++) {
      Merge merge = this.merges.get(rank);
      if (!seen.add(merge)) {
        throw new IllegalArgumentException(
            String.format(
                "merge %s at rank %d is repeated; expected each merge once", merge, rank));
      }
      for (String part : List.of(merge.left(), merge.right(), merge.merged())) {
        if (!byToken.containsKey(part)) {
          throw new IllegalArgumentException(
              String.format(
                  "merge %s at rank %d uses or produces \"%s\", which is not in the vocabulary",
                  merge, rank, part));
        }
      }
    }
    this.ids = Collections.unmodifiableMap(byToken);
  }

  private static void checkByteLevel(String token, int id) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException(
          String.format("token %d is %s; expected a non-empty string", id, token));
    }
    for (int i = 0; i < token.length(); i++) {
      if (!ByteLevelAlphabet.isSymbol(token.charAt(i))) {
        throw new IllegalArgumentException(
            String.format(
                "token %d \"%s\" has character U+%04X, which is not a byte-level symbol; expected"
                    + " tokens written with GPT-2's byte-to-unicode mapping",
                id, token, (int) token.charAt(i)));
      }
    }
  }

  /** Number of tokens; ids run from 0 to {@code vocabSize() - 1}. */
  public int vocabSize() {
    return tokens.size();
  }

  /** The tokens by id. */
  public List<String> tokens() {
    return tokens;
  }

  /** The token with id {@code id}. */
  public String token(int id) {
    if (id < 0 || id >= tokens.size()) {
      throw new IllegalArgumentException(
          String.format("token id %d is out of range; expected 0..%d", id, tokens.size() - 1));
    }
    return tokens.get(id);
  }

  /** Whether {@code token} is in the vocabulary. */
  public boolean contains(String token) {
    return ids.containsKey(token);
  }

  /** The id of {@code token}. */
  public int id(String token) {
    Integer id = ids.get(token);
    if (id == null) {
      throw new IllegalArgumentException(
          String.format(
              "token \"%s\" is not in the vocabulary of %d tokens", token, tokens.size()));
    }
    return id;
  }

  /** The merges in rank order. */
  public List<Merge> merges() {
    return merges;
  }

  /**
   * Writes this model as a HuggingFace tokenizers {@code tokenizer.json}: no normaliser (the
   * prepare pipeline normalises captions), the ByteLevel pre-tokenizer and decoder, a BPE model
   * without unknown token, and no special tokens or post-processor.
   */
  public String toTokenizerJson() {
    return TokenizerJson.write(this);
  }

  /**
   * Reads a {@code tokenizer.json} written by {@link #toTokenizerJson} or by HuggingFace tokenizers
   * with the same settings; merges may be {@code "a b"} strings or {@code ["a", "b"]} pairs.
   *
   * @throws IllegalArgumentException if the JSON is malformed or configures a pipeline this encoder
   *     does not reproduce (another normaliser, pre-tokenizer or model, special tokens, ...)
   */
  public static BpeModel fromTokenizerJson(String json) {
    return TokenizerJson.read(json);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BpeModel other
        && tokens.equals(other.tokens)
        && merges.equals(other.merges);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tokens, merges);
  }

  @Override
  public String toString() {
    return "BpeModel{vocabSize=" + tokens.size() + ", merges=" + merges.size() + "}";
  }
}
