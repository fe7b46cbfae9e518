package org.dalle.models.transformer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.dalle.models.tokenizer.TextTokens;

/** Very small priors and token batches for the transformer tests (seconds on a CPU). */
final class TinyPriors {

  static final int TEXT_LENGTH = 6;
  static final int TEXT_VOCAB = 11;
  static final int GRID = 4;
  static final int IMAGE_VOCAB = 7;

  private TinyPriors() {}

  /**
   * Five layers (row, column, row, row, convolutional under the sparse schedule), width 16, two
   * heads, Figure 11's sequence: 6 text positions and a 4×4 grid; no dropout.
   */
  static TransformerConfig config(AttentionSchedule schedule, int convKernel) {
    return new TransformerConfig(
        5,
        16,
        2,
        TEXT_LENGTH,
        TEXT_VOCAB,
        GRID,
        IMAGE_VOCAB,
        convKernel,
        1f / 8,
        7f / 8,
        0f,
        schedule);
  }

  /** An initialised model of {@code config} with weights drawn from {@code seed}. */
  static TransformerPrior model(TransformerConfig config, NDManager manager, int seed) {
    Engine.getEngine("PyTorch").setRandomSeed(seed);
    TransformerPrior model = new TransformerPrior(config);
    model.initializeParameters(manager);
    return model;
  }

  /** Padded captions of random length (0..L) with random BPE ids, {@code (B, L)} INT64. */
  static NDArray text(NDManager manager, int batch, Random random) {
    long[][] rows = new long[batch][];
    for (int b = 0; b < batch; b++) {
      int[] caption = new int[random.nextInt(TEXT_LENGTH + 1)];
      for (int i = 0; i < caption.length; i++) {
        caption[i] = random.nextInt(TEXT_VOCAB);
      }
      int[] padded = TextTokens.pad(caption, TEXT_LENGTH, TEXT_VOCAB);
      rows[b] = new long[padded.length];
      for (int i = 0; i < padded.length; i++) {
        rows[b][i] = padded[i];
      }
    }
    return manager.create(rows);
  }

  /** Random image codes, {@code (B, N)} INT64. */
  static NDArray image(NDManager manager, int batch, Random random) {
    long[][] rows = new long[batch][GRID * GRID];
    for (long[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        row[i] = random.nextInt(IMAGE_VOCAB);
      }
    }
    return manager.create(rows);
  }

  /** The logits a full forward pass gives position {@code q}, {@code (B, V)}. */
  static NDArray logitsAt(PriorLogits logits, int q) {
    return q < TEXT_LENGTH - 1
        ? logits.text().get(":, {}", q)
        : logits.image().get(":, {}", q - (TEXT_LENGTH - 1));
  }
}
