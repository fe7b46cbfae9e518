package org.dalle.jobs.transformer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The arithmetic of the transformer's training (section 2.4 of the paper). Written in configs and
 * flags as {@code fp32} or {@code fp16}.
 *
 * <ul>
 *   <li>{@link #FP32}: everything in float32, no gradient scaling; the default on a CPU.
 *   <li>{@link #FP16}: the resblocks compute in float16 from float32 master weights, while
 *       embeddings, layer-norm gains, the final norm and the output heads stay float32; every
 *       resblock's gradient is scaled by its own scale ({@code ResblockGradientScaler}), and an
 *       update with a non-finite gradient is skipped and counted.
 * </ul>
 */
public enum Precision {
  FP32,
  FP16;

  @JsonValue
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code fp32} or {@code fp16} (any case).
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  @JsonCreator
  public static Precision parse(String value) {
    for (Precision precision : values()) {
      if (precision.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return precision;
      }
    }
    throw new IllegalArgumentException("precision is '" + value + "'; expected fp32 or fp16");
  }
}
