package org.dalle.models.transformer;

/**
 * How the sampler turns next-token logits into a token (section 2.2 and 2.3 of the paper, which
 * samples at temperature 1 without truncation).
 *
 * @param temperature logits are divided by it; 0 picks the most likely token (greedy)
 * @param topK keep only the {@code topK} most likely tokens; 0 keeps all
 * @param topP keep the smallest set of most likely tokens whose probability reaches {@code topP}
 *     (nucleus sampling); 1 keeps all
 */
public record SamplingOptions(float temperature, int topK, float topP) {

  /** The paper's setting: temperature 1, no truncation. */
  public static SamplingOptions paper() {
    return new SamplingOptions(1f, 0, 1f);
  }

  /**
   * Checks the values.
   *
   * @return these options
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public SamplingOptions validate() {
    if (!(temperature >= 0) || Float.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "temperature is " + temperature + "; expected a finite number >= 0 (0 = greedy)");
    }
    if (topK < 0) {
      throw new IllegalArgumentException("top-k is " + topK + "; expected >= 0 (0 = off)");
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top-p is " + topP + "; expected in (0, 1] (1 = off)");
    }
    return this;
  }
}
