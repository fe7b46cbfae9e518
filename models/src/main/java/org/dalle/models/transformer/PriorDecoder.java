package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental decoding of the prior with a key/value cache per layer: tokens are fed in order, a
 * chunk or a single token at a time, and each call returns the logits of the token that comes next.
 * Every layer applies its own mask's rows for the new positions, so the logits equal those of a
 * full forward pass ({@code PriorDecoderTest}) at a cost per token that does not grow with the
 * position under the sparse masks.
 *
 * <p>A decoder holds {@code 2 · layers} arrays of {@code (B, H, T − 1, head)} in its own manager;
 * close it when done. Dropout is off.
 */
public final class PriorDecoder implements AutoCloseable {

  private final TransformerPrior model;
  private final TransformerConfig config;
  private final NDManager manager;
  private final List<KvCache> caches = new ArrayList<>();
  private final AllowedKeys allowedKeys;
  private final int batch;
  private final int capacity;
  private int position;

  PriorDecoder(TransformerPrior model, int batch, NDManager parent) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch is " + batch + "; expected at least 1");
    }
    this.model = model;
    config = model.config();
    this.batch = batch;
    capacity = config.sequenceLength() - 1; // the last image token is never an input
    manager = parent.newSubManager();
    allowedKeys = new AllowedKeys(config.masks(), manager);
    for (ResidualBlock block : model.blocks()) {
      caches.add(block.newCache(manager, batch, capacity, model.dataType()));
    }
  }

  /** How many tokens have been fed: the position of the next token fed. */
  public int position() {
    return position;
  }

  /** How many tokens can be fed in all: the whole sequence but its last image token. */
  public int capacity() {
    return capacity;
  }

  /**
   * Feeds the tokens of positions {@code position() .. position()+n-1} and returns the logits of
   * the token at {@code position()+n}: over text ids while that is a text position, else over image
   * codes.
   *
   * @param tokens {@code (B, n)}: text ids at text positions, image codes after them
   * @return {@code (B, V)}, attached to the tokens' manager
   */
  public NDArray feed(NDArray tokens) {
    return feed(tokens, true);
  }

  /**
   * {@link #feed(NDArray)} for tokens the sampler drew itself, skipping the range check, which
   * costs two device round trips per token.
   */
  NDArray feedSampled(NDArray tokens) {
    return feed(tokens, false);
  }

  private NDArray feed(NDArray tokens, boolean check) {
    if (tokens.getShape().dimension() != 2 || tokens.getShape().get(0) != batch) {
      throw new IllegalArgumentException(
          "tokens are " + tokens.getShape() + "; expected (" + batch + ", n) for this decoder");
    }
    int n = Math.toIntExact(tokens.getShape().get(1));
    if (position + n > capacity) {
      throw new IllegalArgumentException(
          String.format(
              "%d tokens from position %d pass the last input position %d",
              n, position, capacity - 1));
    }
    NDManager caller = tokens.getManager();
    try (NDManager scope = caller.newSubManager()) {
      tokens.tempAttach(scope);
      if (check) {
        TokenChecks.checkPrefix(config, tokens, position, capacity);
      }
      ParameterStore store = new ParameterStore(scope, false);
      NDArray x = model.embedding().embed(store, tokens.toType(DataType.INT64, false), position);
      List<ResidualBlock> blocks = model.blocks();
      for (int i = 0; i < blocks.size(); i++) {
        x = blocks.get(i).step(store, x, caches.get(i), position, allowedKeys); // (B, n, C)
      }
      NDArray last = model.finalNorm(store, x.get(":, -1")); // (B, C)
      NDArray logits = model.logitsAt(store, last, position + n - 1); // (B, V)
      position += n;
      logits.attach(caller);
      return logits;
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
