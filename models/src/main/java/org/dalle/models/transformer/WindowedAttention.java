package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;

/**
 * Masked attention over a whole sequence computed window by window ({@link AttentionWindows}): the
 * text queries attend to the text keys; the image queries of each line of the grid attend to the
 * text keys and to the keys of their window, lines {@code ℓ − R .. ℓ}. It gives what dense masked
 * attention gives, with scores for {@code L + (R+1)·W} keys per image query instead of all {@code T
 * − 1}: for row attention, 48 keys instead of up to 95 at the tiny config's 8×8 grid, 320 instead
 * of up to 1279 at the paper's 32×32. Dropout, where on, drops attention weights as in the dense
 * form (the weights outside the windows, which are 0, draw no random numbers).
 */
final class WindowedAttention {

  private WindowedAttention() {}

  /**
   * {@code softmax(q·kᵀ + bias)·v} under {@code mask}.
   *
   * @param q the scaled queries of the whole sequence, {@code (B, H, T, hd)}
   * @param k keys, {@code (B, H, T, hd)}
   * @param v values, {@code (B, H, T, hd)}
   * @param mask a windowed mask
   * @param dropout the rate at which attention weights are dropped; 0 for none
   * @return {@code (B, H, T, hd)}
   */
  static NDArray attend(NDArray q, NDArray k, NDArray v, LayerMask mask, float dropout) {
    AttentionWindows windows = mask.windows();
    Shape shape = q.getShape();
    long batch = shape.get(0);
    long heads = shape.get(1);
    long head = shape.get(3);
    int textLength = Math.toIntExact(mask.text().getShape().get(0));
    int grid = Math.toIntExact(mask.image().getShape().get(0));
    int image = grid * grid;
    // Splits rather than slices: the backward pass of a split is one concatenation, that of a
    // slice a zero array of the whole input, and here autograd would add two of them per input.
    NDList qParts = q.split(new long[] {textLength}, 2); // (B, H, L, hd), (B, H, W², hd)
    NDList kParts = k.split(new long[] {textLength}, 2);
    NDList vParts = v.split(new long[] {textLength}, 2);
    NDArray qText = qParts.get(0);
    NDArray kText = kParts.get(0);
    NDArray vText = vParts.get(0);
    NDArray qLines = lines(qParts.get(1), grid, windows); // (B, H, W, W, hd)
    NDArray kLines = lines(kParts.get(1), grid, windows);
    NDArray vLines = lines(vParts.get(1), grid, windows);
    NDArray kWindows = window(kLines, windows.linesBack()); // (B, H, W, (R+1)W, hd)
    NDArray vWindows = window(vLines, windows.linesBack());

    // Text queries: text keys only.
    NDArray textWeights =
        weights(qText.matMul(kText.transpose(0, 1, 3, 2)).add(mask.text()), dropout); // (B,H,L,L)
    NDArray textOut = textWeights.matMul(vText); // (B, H, L, hd)

    // Image queries, line by line: the text keys, then the keys of the window.
    NDArray qImage = qLines.reshape(batch, heads, image, head); // (B, H, W², hd), line order
    NDArray toText = // (B, H, W, W, L)
        qImage.matMul(kText.transpose(0, 1, 3, 2)).reshape(batch, heads, grid, grid, textLength);
    NDArray toWindow = qLines.matMul(kWindows.transpose(0, 1, 2, 4, 3)); // (B, H, W, W, (R+1)W)
    NDList imageWeights = // (B, H, W, W, L), (B, H, W, W, (R+1)W)
        weights(toText.concat(toWindow, 4).add(mask.image()), dropout)
            .split(new long[] {textLength}, 4);
    NDArray fromText = // (B, H, W, W, hd)
        imageWeights
            .get(0)
            .reshape(batch, heads, image, textLength)
            .matMul(vText)
            .reshape(batch, heads, grid, grid, head);
    NDArray fromWindow = imageWeights.get(1).matMul(vWindows); // (B, H, W, W, hd)
    NDArray imageOut = unlines(fromText.add(fromWindow), windows); // (B, H, W², hd), raster
    return textOut.concat(imageOut, 2); // (B, H, T, hd)
  }

  /** {@code softmax} over the last axis, then dropout. */
  private static NDArray weights(NDArray scores, float dropout) {
    NDArray weights = scores.softmax(-1);
    return dropout > 0 ? Dropout.dropout(weights, dropout, true).head() : weights;
  }

  /** Image states {@code (B, H, W², hd)} in raster order as lines, {@code (B, H, W, W, hd)}. */
  private static NDArray lines(NDArray raster, int grid, AttentionWindows windows) {
    Shape shape = raster.getShape();
    NDArray rows = raster.reshape(shape.get(0), shape.get(1), grid, grid, shape.get(3));
    return windows.transposed() ? rows.transpose(0, 1, 3, 2, 4) : rows; // [line][offset]
  }

  /** Lines {@code (B, H, W, W, hd)} back in raster order, {@code (B, H, W², hd)}. */
  private static NDArray unlines(NDArray lines, AttentionWindows windows) {
    Shape shape = lines.getShape();
    NDArray rows = windows.transposed() ? lines.transpose(0, 1, 3, 2, 4) : lines;
    return rows.reshape(shape.get(0), shape.get(1), shape.get(2) * shape.get(3), shape.get(4));
  }

  /**
   * The keys (or values) of every line's window, lines {@code ℓ − R .. ℓ} side by side: {@code (B,
   * H, W, (R+1)·W, hd)}; lines before the first are zeros, which the mask never allows.
   */
  private static NDArray window(NDArray lines, int linesBack) {
    if (linesBack == 0) {
      return lines;
    }
    Shape shape = lines.getShape();
    long grid = shape.get(2);
    NDManager manager = lines.getManager();
    NDArray before =
        manager.zeros(
            new Shape(shape.get(0), shape.get(1), linesBack, grid, shape.get(4)),
            lines.getDataType());
    NDArray padded = before.concat(lines, 2); // (B, H, R + W, W, hd)
    NDList shifted = new NDList(linesBack + 1);
    for (int back = linesBack; back >= 0; back--) {
      shifted.add(Slices.along(padded, 2, linesBack - back, linesBack - back + grid, manager));
    }
    return NDArrays.concat(shifted, 3); // (B, H, W, (R+1)W, hd)
  }
}
