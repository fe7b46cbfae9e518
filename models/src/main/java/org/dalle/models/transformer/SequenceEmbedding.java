package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dalle.models.nn.EngineOwned;

/**
 * The input embedding of the sequence [text ‖ image] (section 2.2 and Figure 10 of the paper).
 *
 * <p>A text position {@code i} holding id {@code t} embeds as {@code text_token[t] +
 * text_position[i]}, where ids {@code textVocabSize + i} are the learned padding token of position
 * {@code i} ({@link org.dalle.models.tokenizer.TextTokens}). An image position at row {@code r},
 * column {@code c} of the grid holding code {@code z} embeds as {@code image_token[z] +
 * image_row[r] + image_column[c]}.
 *
 * <p>As a DJL block it takes {@code [tokens (B, n)]} for positions {@code 0..n-1}; {@link #embed}
 * embeds any window of positions, which the cached decoder needs.
 */
final class SequenceEmbedding extends AbstractBlock {

  private static final byte VERSION = 1;

  private final TransformerConfig config;
  private final Parameter textToken;
  private final Parameter textPosition;
  private final Parameter imageToken;
  private final Parameter imageRow;
  private final Parameter imageColumn;

  SequenceEmbedding(TransformerConfig config) {
    super(VERSION);
    this.config = config.validate();
    int width = config.dModel();
    textToken =
        addParameter(
            TransformerParameters.embedding(
                "text_token", config.textEmbeddingRows(), width)); // (Vt + L, C)
    textPosition =
        addParameter(TransformerParameters.embedding("text_position", config.textLength(), width));
    imageToken =
        addParameter(
            TransformerParameters.embedding("image_token", config.imageVocabSize(), width));
    imageRow = addParameter(TransformerParameters.embedding("image_row", config.gridSize(), width));
    imageColumn =
        addParameter(TransformerParameters.embedding("image_column", config.gridSize(), width));
  }

  /**
   * Embeds {@code tokens} standing at positions {@code start .. start+n-1} of the sequence.
   *
   * @param tokens INT64 ids, {@code (B, n)}; text ids where the position is text, codes elsewhere
   * @return {@code (B, n, C)}
   */
  NDArray embed(ParameterStore store, NDArray tokens, int start) {
    int n = Math.toIntExact(tokens.getShape().get(1));
    int textLength = config.textLength();
    int textCount = Math.max(0, Math.min(n, textLength - start));
    NDManager manager = tokens.getManager();
    NDList parts = new NDList(2);
    if (textCount > 0) {
      NDArray ids = tokens.get(":, :{}", textCount); // (B, nt)
      long[] positions = new long[textCount];
      for (int i = 0; i < textCount; i++) {
        positions[i] = start + i;
      }
      NDArray token = lookup(store, textToken, ids); // (B, nt, C)
      NDArray position =
          lookup(store, textPosition, EngineOwned.copyOf(manager, positions)); // (nt, C)
      parts.add(token.add(position));
    }
    if (textCount < n) {
      NDArray ids = tokens.get(":, {}:", textCount); // (B, ni)
      int imageCount = n - textCount;
      int grid = config.gridSize();
      long[] rows = new long[imageCount];
      long[] columns = new long[imageCount];
      for (int i = 0; i < imageCount; i++) {
        int index = start + textCount + i - textLength; // raster index in the grid
        rows[i] = index / grid;
        columns[i] = index % grid;
      }
      NDArray token = lookup(store, imageToken, ids); // (B, ni, C)
      NDArray row = lookup(store, imageRow, EngineOwned.copyOf(manager, rows)); // (ni, C)
      NDArray column = lookup(store, imageColumn, EngineOwned.copyOf(manager, columns)); // (ni, C)
      parts.add(token.add(row).add(column));
    }
    return parts.size() == 1 ? parts.head() : parts.get(0).concat(parts.get(1), 1); // (B, n, C)
  }

  /**
   * The position part of the embedding of positions {@code 0..length-1}, {@code (length, C)}: the
   * text position embedding at text positions, row plus column embedding at image positions. The
   * cached decoder computes it once, so a one-token step adds one row of it to one lookup.
   */
  NDArray positionTable(ParameterStore store, int length, NDManager manager) {
    int textLength = config.textLength();
    int grid = config.gridSize();
    int textCount = Math.min(length, textLength);
    long[] textPositions = new long[textCount];
    for (int i = 0; i < textCount; i++) {
      textPositions[i] = i;
    }
    NDArray table =
        lookup(store, textPosition, EngineOwned.copyOf(manager, textPositions)); // (Lt, C)
    int imageCount = length - textCount;
    if (imageCount > 0) {
      long[] rows = new long[imageCount];
      long[] columns = new long[imageCount];
      for (int i = 0; i < imageCount; i++) {
        rows[i] = i / grid;
        columns[i] = i % grid;
      }
      NDArray image =
          lookup(store, imageRow, EngineOwned.copyOf(manager, rows))
              .add(lookup(store, imageColumn, EngineOwned.copyOf(manager, columns))); // (Ni, C)
      table = table.concat(image, 0);
    }
    return table; // (length, C)
  }

  /**
   * Embeds one token per row at {@code position}, {@code (B)} → {@code (B, C)}, with the position
   * rows of {@link #positionTable}.
   */
  NDArray embedOne(ParameterStore store, NDArray tokens, int position, NDArray positions) {
    Parameter table = position < config.textLength() ? textToken : imageToken;
    NDArray row = // (1, C), a view owned by the tokens' manager
        Slices.along(positions, 0, position, position + 1, tokens.getManager());
    return lookup(store, table, tokens).add(row); // (B, C)
  }

  private static NDArray lookup(ParameterStore store, Parameter table, NDArray ids) {
    NDArray weight = store.getValue(table, ids.getDevice(), false);
    return Embedding.embedding(ids, weight, SparseFormat.DENSE).head();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray tokens = inputs.singletonOrThrow().toType(DataType.INT64, false);
    return new NDList(embed(parameterStore, tokens, 0));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    return new Shape[] {new Shape(in.get(0), in.get(1), config.dModel())};
  }
}
