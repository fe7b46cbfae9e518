package org.dalle.models.transformer;

import java.util.Arrays;

/**
 * The per-resblock gradient scales of the paper's mixed-precision training (section 2.4, Figure 4
 * and appendix D): instead of one loss scale, every resblock keeps its own scale for the gradient
 * entering its residual branch, so a 64-layer fp16 model neither underflows in its early layers nor
 * overflows in its late ones. With {@code M} data-parallel replicas:
 *
 * <ul>
 *   <li>every scale starts at {@code M·2¹³};
 *   <li>after an update in which every block's gradient was finite, every scale is multiplied by
 *       {@code 2^(1/1000)};
 *   <li>when a block's gradient is not finite, the update is skipped and that block's scale is
 *       divided by {@code √2}, but a block's scale is lowered at most once per 125 updates, so one
 *       burst of overflows does not collapse it;
 *   <li>scales stay within {@code [M·2⁷, M·2²⁴]}.
 * </ul>
 *
 * Non-finite activation gradients are filtered to zero inside the backward pass (Figure 4), so a
 * block's overflow does not lower the scales of the blocks before it; DJL cannot hook the backward
 * pass, which is why the caller reports finiteness per block here. The paper leaves open whether an
 * update with a non-finite gradient inside the 125-update window is applied; applying one would
 * write NaN into the weights, so this class always skips it and only holds the scale.
 *
 * <p>A plain class: the training loop asks for {@link #scales()}, runs the scaled backward pass,
 * divides each block's gradients by its scale, checks them, and calls {@link #update}. Its state is
 * three arrays of numbers, exported and restored for an exact resume.
 */
public final class ResblockGradientScaler {

  /** Updates that must pass between two decreases of one block's scale. */
  public static final int DECREASE_INTERVAL = 125;

  static final double INITIAL = Math.pow(2, 13);
  static final double GROWTH = Math.pow(2, 1.0 / 1000);
  static final double DECREASE = Math.sqrt(2);
  static final double MINIMUM = Math.pow(2, 7);
  static final double MAXIMUM = Math.pow(2, 24);

  private final int replicas;
  private final double[] scales;

  /** Per block, the update at which its scale was last lowered; −125 when never. */
  private final long[] lastDecrease;

  private long updates;

  /**
   * @param blocks resblocks in the model, one scale each
   * @param replicas data-parallel replicas {@code M}; the paper counts machines of 8 GPUs
   */
  public ResblockGradientScaler(int blocks, int replicas) {
    if (blocks < 1) {
      throw new IllegalArgumentException("blocks is " + blocks + "; expected at least 1");
    }
    if (replicas < 1) {
      throw new IllegalArgumentException("replicas is " + replicas + "; expected at least 1");
    }
    this.replicas = replicas;
    scales = new double[blocks];
    Arrays.fill(scales, replicas * INITIAL);
    lastDecrease = new long[blocks];
    Arrays.fill(lastDecrease, -DECREASE_INTERVAL);
  }

  /** Every block's current scale, first block first. */
  public double[] scales() {
    return scales.clone();
  }

  /** The scales as floats, for {@link TransformerPrior#forward} and friends. */
  public float[] scalesAsFloats() {
    float[] out = new float[scales.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) scales[i];
    }
    return out;
  }

  /** Updates reported so far, skipped ones included. */
  public long updates() {
    return updates;
  }

  /**
   * Records the outcome of one backward pass and moves the scales.
   *
   * @param finite per block, whether all of its (unscaled) gradients were finite
   * @return whether to apply the update; false means skip it
   */
  public boolean update(boolean[] finite) {
    if (finite.length != scales.length) {
      throw new IllegalArgumentException(
          "finiteness is reported for " + finite.length + " blocks; expected " + scales.length);
    }
    long current = updates++;
    boolean clean = true;
    for (boolean ok : finite) {
      clean &= ok;
    }
    for (int block = 0; block < scales.length; block++) {
      if (clean) {
        scales[block] = clamp(scales[block] * GROWTH);
      } else if (!finite[block] && current - lastDecrease[block] >= DECREASE_INTERVAL) {
        scales[block] = clamp(scales[block] / DECREASE);
        lastDecrease[block] = current;
      }
    }
    return clean;
  }

  /** The state as numbers: {@code [updates, scales..., lastDecrease...]} for a checkpoint. */
  public double[] exportState() {
    double[] state = new double[1 + 2 * scales.length];
    state[0] = updates;
    for (int i = 0; i < scales.length; i++) {
      state[1 + i] = scales[i];
      state[1 + scales.length + i] = lastDecrease[i];
    }
    return state;
  }

  /**
   * Restores a state written by {@link #exportState}.
   *
   * @throws IllegalArgumentException when it was made for another number of blocks
   */
  public void importState(double[] state) {
    if (state.length != 1 + 2 * scales.length) {
      throw new IllegalArgumentException(
          "gradient-scaler state holds "
              + state.length
              + " numbers; expected "
              + (1 + 2 * scales.length)
              + " for "
              + scales.length
              + " blocks");
    }
    updates = (long) state[0];
    for (int i = 0; i < scales.length; i++) {
      scales[i] = state[1 + i];
      lastDecrease[i] = (long) state[1 + scales.length + i];
    }
  }

  private double clamp(double scale) {
    return Math.max(replicas * MINIMUM, Math.min(replicas * MAXIMUM, scale));
  }
}
