package org.dalle.jobs.cluster;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How many bytes each parameter's training state takes, for the resblock matrices and for the rest
 * (gains, biases, embeddings, output heads), and the bytes of an activation.
 *
 * <ul>
 *   <li>{@link #FP32}: everything float32; 20 bytes of state per parameter (weight, gradient, two
 *       Adam moments, EMA).
 *   <li>{@link #FP16}: this project's {@code precision: fp16} trainer: fp32 master weights and
 *       state, fp16 resblock activations.
 *   <li>{@link #FP16_STATE}: the paper's section 2.4, "most parameters, Adam moments, and
 *       activations are stored in 16-bit precision", gains, biases, embeddings and logits in fp32:
 *       10 bytes per matrix parameter (the EMA's precision is not given; taken as 16-bit).
 * </ul>
 */
public enum StatePrecision {
  FP32(new StateBytes(4, 4, 8, 4), new StateBytes(4, 4, 8, 4), 4),
  FP16(new StateBytes(4, 4, 8, 4), new StateBytes(4, 4, 8, 4), 2),
  FP16_STATE(new StateBytes(2, 2, 4, 2), new StateBytes(4, 4, 8, 4), 2);

  /**
   * Bytes per parameter of each piece of training state.
   *
   * @param weights the parameter itself
   * @param gradients its gradient
   * @param adamMoments both Adam moments together
   * @param ema the exponential moving average of the weights
   */
  public record StateBytes(int weights, int gradients, int adamMoments, int ema) {}

  private final StateBytes matrices;
  private final StateBytes others;
  private final int activationBytes;

  StatePrecision(StateBytes matrices, StateBytes others, int activationBytes) {
    this.matrices = matrices;
    this.others = others;
    this.activationBytes = activationBytes;
  }

  /** The state of a resblock matrix parameter. */
  public StateBytes matrices() {
    return matrices;
  }

  /** The state of any other parameter. */
  public StateBytes others() {
    return others;
  }

  /** Bytes of one stored activation of a resblock. */
  public int activationBytes() {
    return activationBytes;
  }

  @JsonValue
  public String flagName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses {@code fp32}, {@code fp16} or {@code fp16-state} (any case).
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static StatePrecision parse(String value) {
    for (StatePrecision p : values()) {
      if (p.flagName().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "precision is '" + value + "'; expected fp32, fp16 or fp16-state");
  }
}
