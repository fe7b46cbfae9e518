package org.dalle.models.transformer;

import java.util.Arrays;

/**
 * The attention masks of the transformer prior (section 2.2, appendix B.1 and Figure 11 of the
 * paper) over the sequence [text ‖ image], the image in raster order. Entry {@code (query, key)} is
 * true when position {@code query} may attend to position {@code key}.
 *
 * <p>Every mask is causal ({@code key ≤ query}); text→text is the standard causal mask and every
 * image token sees all text tokens. Image→image depends on the {@link Kind}, with {@code W} the
 * grid side and {@code d = query − key} the distance in raster order between two image tokens:
 *
 * <ul>
 *   <li>{@link Kind#ROW} (Figure 11a): {@code d ≤ W}, the previous {@code W} tokens and itself, so
 *       the farthest one is the token above in the same column. The window wraps around the start
 *       of a row into the end of the previous row.
 *   <li>{@link Kind#COLUMN} (Figure 11b): {@code d mod W = 0}, the tokens above in the same column.
 *       The paper computes it on transposed image states with mask (c), {@link
 *       #columnMaskInTransposedOrder}, for GPU efficiency. Mask (b) over the raster order is the
 *       same set of (query, key) pairs, merely listed in another order ({@code AttentionMasksTest}
 *       checks this); the windowed attention of a whole sequence ({@link AttentionWindows}) reads
 *       the image transposed as the paper does, the dense form uses mask (b).
 *   <li>{@link Kind#CONVOLUTIONAL} (Figure 11d): a causal {@code k×k} kernel laid over the raster
 *       order, where horizontal offsets wrap into the neighbouring row as in row attention: {@code
 *       d = r·W + c} with {@code r = 0, 0 ≤ c ≤ s} or {@code 1 ≤ r ≤ s, −s ≤ c ≤ s}, {@code s = (k
 *       − 1) / 2}. The paper uses it, with {@code k = 11}, in the last layer only.
 *   <li>{@link Kind#CAUSAL}: every earlier token (the {@code dense} schedule).
 * </ul>
 *
 * This is a plain class so the masks can be tested without an engine; the model turns rows of them
 * into additive biases.
 */
public final class AttentionMasks {

  /** The image→image pattern of one layer. */
  public enum Kind {
    CAUSAL,
    ROW,
    COLUMN,
    CONVOLUTIONAL
  }

  private final int textLength;
  private final int gridSize;
  private final int convKernel;

  /**
   * @param textLength text positions before the image
   * @param gridSize side of the square image-token grid
   * @param convKernel odd side of the convolutional kernel
   */
  public AttentionMasks(int textLength, int gridSize, int convKernel) {
    if (textLength < 1 || gridSize < 1) {
      throw new IllegalArgumentException(
          "text length " + textLength + ", grid size " + gridSize + "; expected at least 1 each");
    }
    if (convKernel < 1 || convKernel % 2 == 0) {
      throw new IllegalArgumentException(
          "convolutional kernel is " + convKernel + "; expected an odd size such as 11");
    }
    this.textLength = textLength;
    this.gridSize = gridSize;
    this.convKernel = convKernel;
  }

  /**
   * The kind of layer {@code layer} (1-based) of {@code layers}: under the sparse schedule the last
   * layer is convolutional and layer {@code i} before it uses column attention when {@code (i − 2)
   * mod 4 = 0}, row attention otherwise (appendix B.1); under the dense one every layer is causal.
   */
  public static Kind kindOfLayer(int layer, int layers, AttentionSchedule schedule) {
    if (layer < 1 || layer > layers) {
      throw new IllegalArgumentException(
          "layer is " + layer + "; expected 1.." + layers + " (layers are numbered from 1)");
    }
    if (schedule == AttentionSchedule.DENSE) {
      return Kind.CAUSAL;
    }
    if (layer == layers) {
      return Kind.CONVOLUTIONAL;
    }
    return Math.floorMod(layer - 2, 4) == 0 ? Kind.COLUMN : Kind.ROW;
  }

  public int textLength() {
    return textLength;
  }

  public int gridSize() {
    return gridSize;
  }

  /** Positions in the sequence: text, then {@code gridSize²} image tokens. */
  public int sequenceLength() {
    return textLength + gridSize * gridSize;
  }

  /** Whether {@code query} may attend to {@code key} under {@code kind}. */
  public boolean allows(Kind kind, int query, int key) {
    checkPosition("query", query);
    checkPosition("key", key);
    if (key > query) {
      return false;
    }
    if (query < textLength || key < textLength) {
      return true; // text is causal; every image token sees every text token
    }
    int distance = query - key; // in raster order, >= 0
    return switch (kind) {
      case CAUSAL -> true;
      case ROW -> distance <= gridSize;
      case COLUMN -> distance % gridSize == 0;
      case CONVOLUTIONAL -> inCausalKernel(distance);
    };
  }

  /** The whole {@code (T, T)} mask of {@code kind}, {@code [query][key]}. */
  public boolean[][] matrix(Kind kind) {
    int length = sequenceLength();
    boolean[][] mask = new boolean[length][];
    for (int query = 0; query < length; query++) {
      mask[query] = row(kind, query, length);
    }
    return mask;
  }

  /** Row {@code query} of the mask of {@code kind}, over keys {@code 0..keys-1}. */
  public boolean[] row(Kind kind, int query, int keys) {
    if (keys < 1 || keys > sequenceLength()) {
      throw new IllegalArgumentException(
          "keys is " + keys + "; expected 1.." + sequenceLength() + " (the sequence length)");
    }
    boolean[] row = new boolean[keys];
    for (int key = 0; key < keys; key++) {
      row[key] = allows(kind, query, key);
    }
    return row;
  }

  /** The keys {@code query} attends to under {@code kind}, ascending. */
  public int[] allowedKeys(Kind kind, int query) {
    boolean[] row = row(kind, query, query + 1);
    int[] keys = new int[query + 1];
    int count = 0;
    for (int key = 0; key <= query; key++) {
      if (row[key]) {
        keys[count++] = key;
      }
    }
    return Arrays.copyOf(keys, count);
  }

  /**
   * The square top-left {@code (n, n)} block of the mask as an additive bias, row-major: 0 where
   * attention is allowed, −∞ where it is not.
   */
  public float[] additiveBias(Kind kind, int n) {
    float[] bias = new float[n * n];
    for (int query = 0; query < n; query++) {
      boolean[] row = row(kind, query, n);
      for (int key = 0; key < n; key++) {
        bias[query * n + key] = row[key] ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    return bias;
  }

  /**
   * Figure 11c: column attention over the sequence with the image transposed (its tokens listed
   * column by column, {@link #transposedPosition}). Each image token attends to the earlier tokens
   * of its own transposed row, i.e. its column, which is causal in raster order too.
   */
  public boolean[][] columnMaskInTransposedOrder() {
    int length = sequenceLength();
    boolean[][] mask = new boolean[length][length];
    for (int query = 0; query < length; query++) {
      for (int key = 0; key <= query; key++) {
        mask[query][key] =
            query < textLength
                || key < textLength
                || (query - textLength) / gridSize == (key - textLength) / gridSize;
      }
    }
    return mask;
  }

  /**
   * Where position {@code position} of the raster-order sequence goes when the image is transposed:
   * text stays, the image token at row r, column c moves to image index c·W + r.
   */
  public int transposedPosition(int position) {
    checkPosition("position", position);
    if (position < textLength) {
      return position;
    }
    int index = position - textLength;
    int row = index / gridSize;
    int column = index % gridSize;
    return textLength + column * gridSize + row;
  }

  /** Whether a raster distance {@code d >= 0} falls in the causal kernel, wrapping row ends. */
  private boolean inCausalKernel(int distance) {
    int reach = (convKernel - 1) / 2;
    if (distance <= reach) {
      return true; // the current row: the token itself and up to `reach` to its left
    }
    for (int rowsUp = 1; rowsUp <= reach; rowsUp++) {
      if (Math.abs(distance - rowsUp * gridSize) <= reach) {
        return true;
      }
    }
    return false;
  }

  private void checkPosition(String name, int position) {
    if (position < 0 || position >= sequenceLength()) {
      throw new IllegalArgumentException(
          String.format(
              "%s position is %d; expected 0..%d (text %d + image %d×%d)",
              name, position, sequenceLength() - 1, textLength, gridSize, gridSize));
    }
  }
}
