package org.dalle.models.transformer;

/**
 * A sparse attention mask of the prior read as windows, the layout a block-sparse kernel uses
 * (section 2.2 and appendix B.1 of the paper): the image grid is taken as {@code W} lines of {@code
 * W} tokens, and every image key that an image query of line {@code ℓ} may attend to lies in lines
 * {@code ℓ − R .. ℓ}. So the image queries of a line need scores only against the {@code L} text
 * keys and the {@code (R + 1)·W} image keys of their window, where dense masked attention scores
 * every earlier position; text queries attend to text keys only.
 *
 * <p>The lines are the grid's rows (raster order) or its columns (the transposed image of Figure
 * 11c), whichever gives the narrower window: row attention has {@code R = 1} in raster order (the
 * previous {@code W} tokens), column attention {@code R = 0} in transposed order (a query's own
 * column), a causal {@code k×k} kernel {@code R = (k − 1)/2 + 1} in raster order (its offsets wrap
 * into the row before). The windows are derived from {@link AttentionMasks} and hold exactly its
 * allowed pairs ({@code AttentionWindowsTest}); the model computes the same function either way.
 *
 * <p>Positions are those of the whole sequence of {@code T = L + W²} tokens: the last image token,
 * which the model never reads, is a query and key here too, so that every line is full.
 */
final class AttentionWindows {

  private final AttentionMasks masks;
  private final AttentionMasks.Kind kind;
  private final boolean transposed;
  private final int linesBack;

  private AttentionWindows(
      AttentionMasks masks, AttentionMasks.Kind kind, boolean transposed, int linesBack) {
    this.masks = masks;
    this.kind = kind;
    this.transposed = transposed;
    this.linesBack = linesBack;
  }

  /**
   * The windows of {@code kind}, in whichever line order gives the narrower window; null when no
   * window is narrower than the whole grid (causal attention, a kernel as wide as the grid), where
   * dense attention does no more work.
   */
  static AttentionWindows of(AttentionMasks masks, AttentionMasks.Kind kind) {
    AttentionWindows best = null;
    for (boolean transposed : new boolean[] {false, true}) {
      int linesBack = linesBack(masks, kind, transposed);
      if (linesBack >= 0
          && linesBack + 1 < masks.gridSize()
          && (best == null || linesBack < best.linesBack)) {
        best = new AttentionWindows(masks, kind, transposed, linesBack);
      }
    }
    return best;
  }

  AttentionMasks.Kind kind() {
    return kind;
  }

  /** Whether the lines are the grid's columns rather than its rows. */
  boolean transposed() {
    return transposed;
  }

  /** {@code R}: a window spans its own line and the {@code R} lines before it. */
  int linesBack() {
    return linesBack;
  }

  /** Keys per image query: the {@code L} text keys, then the window's {@code (R + 1)·W}. */
  int keysPerQuery() {
    return masks.textLength() + (linesBack + 1) * masks.gridSize();
  }

  /** The sequence position of the token at {@code offset} in line {@code line}. */
  int position(int line, int offset) {
    int grid = masks.gridSize();
    int index = transposed ? offset * grid + line : line * grid + offset; // raster index
    return masks.textLength() + index;
  }

  /**
   * The sequence position of key {@code key} of the window of line {@code line}: text keys first,
   * then lines {@code line − R .. line} in order; −1 for a key of a line before the first.
   */
  int keyPosition(int line, int key) {
    int textLength = masks.textLength();
    if (key < textLength) {
      return key;
    }
    int grid = masks.gridSize();
    int windowLine = line - linesBack + (key - textLength) / grid;
    return windowLine < 0 ? -1 : position(windowLine, (key - textLength) % grid);
  }

  /**
   * The additive bias of the image queries over their keys, {@code (W, W, L + (R+1)·W)} row-major
   * as {@code [line][offset][key]}: 0 where the mask allows the pair, −∞ elsewhere.
   */
  float[] imageBias() {
    int grid = masks.gridSize();
    int keys = keysPerQuery();
    float[] bias = new float[grid * grid * keys];
    for (int line = 0; line < grid; line++) {
      for (int offset = 0; offset < grid; offset++) {
        int query = position(line, offset);
        int row = (line * grid + offset) * keys;
        for (int key = 0; key < keys; key++) {
          int position = keyPosition(line, key);
          boolean allowed = position >= 0 && masks.allows(kind, query, position);
          bias[row + key] = allowed ? 0f : Float.NEGATIVE_INFINITY;
        }
      }
    }
    return bias;
  }

  /**
   * How many lines back the farthest allowed image key of any image query lies in the given line
   * order; −1 when some query may attend to a key of a later line, which windows cannot express.
   */
  private static int linesBack(AttentionMasks masks, AttentionMasks.Kind kind, boolean transposed) {
    int textLength = masks.textLength();
    int grid = masks.gridSize();
    int farthest = 0;
    for (int query = textLength; query < masks.sequenceLength(); query++) {
      int queryLine = line(query - textLength, grid, transposed);
      for (int key : masks.allowedKeys(kind, query)) {
        if (key >= textLength) {
          int back = queryLine - line(key - textLength, grid, transposed);
          if (back < 0) {
            return -1;
          }
          farthest = Math.max(farthest, back);
        }
      }
    }
    return farthest;
  }

  private static int line(int rasterIndex, int grid, boolean transposed) {
    return transposed ? rasterIndex % grid : rasterIndex / grid;
  }
}
