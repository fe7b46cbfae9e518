package org.dalle.models.transformer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Which image→image attention each layer uses (section 2.2 and appendix B.1 of the paper).
 *
 * <p>{@link #SPARSE} is the paper's schedule: row and column attention, with causal convolutional
 * attention in the last layer ({@link AttentionMasks#kindOfLayer}). {@link #DENSE} gives every
 * layer the plain causal mask over the whole sequence, for comparison. Written in configs as {@code
 * sparse} or {@code dense}.
 */
public enum AttentionSchedule {
  SPARSE,
  DENSE;

  /** The config spelling: {@code sparse} or {@code dense}. */
  @JsonValue
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code sparse} or {@code dense} (any case).
   *
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  @JsonCreator
  public static AttentionSchedule parse(String value) {
    for (AttentionSchedule schedule : values()) {
      if (schedule.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return schedule;
      }
    }
    throw new IllegalArgumentException(
        "attention schedule is '" + value + "'; expected 'sparse' or 'dense'");
  }
}
