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
 * full forward pass ({@code PriorDecoderTest}), at a cost per token dominated by the projections: a
 * one-token step reads cached keys and values instead of recomputing the prefix.
 *
 * <p>A decoder holds a key and a value array per layer with the layer's query-scaled projection
 * ({@link KvCache}), the mask biases and the position embeddings in its own manager; close it when
 * done. Dropout is off, and the weights must not change while it is open.
 */
public final class PriorDecoder implements AutoCloseable {

  private final TransformerPrior model;
  private final TransformerConfig config;
  private final NDManager manager;
  private final List<KvCache> caches = new ArrayList<>();
  private final DecoderMasks masks;
  private final NDArray positions;
  private final ParameterStore store;
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
    masks = new DecoderMasks(config, model.biases(), capacity, model.dataType(), manager);
    // The weights are fixed while decoding, so the position embeddings are summed once.
    store = new ParameterStore(manager, false);
    positions = model.embedding().positionTable(store, capacity, manager);
    for (ResidualBlock block : model.blocks()) {
      caches.add(block.newCache(store, manager, batch, capacity));
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
    if (tokens.getShape().dimension() != 2 || tokens.getShape().get(0) != batch) {
      throw new IllegalArgumentException(
          "tokens are " + tokens.getShape() + "; expected (" + batch + ", n) for this decoder");
    }
    int n = Math.toIntExact(tokens.getShape().get(1));
    requireRoom(n);
    NDManager caller = tokens.getManager();
    try (NDManager scope = caller.newSubManager()) {
      tokens.tempAttach(scope);
      TokenChecks.checkPrefix(config, tokens, position, capacity);
      NDArray ids = tokens.toType(DataType.INT64, false);
      NDArray logits;
      if (n == 1) {
        logits = stepOne(ids.reshape(batch));
      } else {
        NDArray x = model.embedding().embed(store, ids, position); // (B, n, C)
        List<ResidualBlock> blocks = model.blocks();
        for (int i = 0; i < blocks.size(); i++) {
          x = blocks.get(i).step(store, x, caches.get(i), position, masks); // (B, n, C)
        }
        NDArray last = x.get(":, -1"); // (B, C)
        logits = model.logitsAt(store, model.finalNorm(store, last), position + n - 1);
        position += n;
      }
      logits.attach(caller);
      return logits;
    }
  }

  /**
   * {@link #feed(NDArray)} of one token per row that the sampler drew itself, skipping the range
   * check, which costs two device round trips per token.
   *
   * @param tokens {@code B} image codes for position {@code position()}
   * @return {@code (B, V)}, attached to {@code manager}
   */
  NDArray feedSampled(long[] tokens, NDManager manager) {
    if (tokens.length != batch) {
      throw new IllegalArgumentException(
          "got " + tokens.length + " tokens; expected one for each of the " + batch + " rows");
    }
    requireRoom(1);
    try (NDManager scope = manager.newSubManager()) {
      NDArray logits = stepOne(scope.create(tokens)); // (B)
      logits.attach(manager);
      return logits;
    }
  }

  /** One token per row, {@code (B)} INT64, at {@code position}: the logits of the next one. */
  private NDArray stepOne(NDArray ids) {
    NDArray x = model.embedding().embedOne(store, ids, position, positions); // (B, C)
    List<ResidualBlock> blocks = model.blocks();
    for (int i = 0; i < blocks.size(); i++) {
      x = blocks.get(i).stepOne(store, x, caches.get(i), position, masks); // (B, C)
    }
    NDArray logits = model.logitsAt(store, model.finalNorm(store, x), position);
    position++;
    return logits;
  }

  private void requireRoom(int n) {
    if (position + n > capacity) {
      throw new IllegalArgumentException(
          String.format(
              "%d tokens from position %d pass the last input position %d",
              n, position, capacity - 1));
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
