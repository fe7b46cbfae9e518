package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.EnumMap;
import java.util.Map;

/**
 * What every layer of the cached decoder reads when it decodes one position: the additive mask row
 * of that position ({@code 0} where the layer's mask allows a key, −∞ elsewhere). The full {@code
 * (T−1, T−1)} bias of each kind is copied to the engine once per decoder, so a step takes a view of
 * one row instead of building it or gathering keys.
 *
 * <p>Attending to all earlier keys under a −∞ bias costs O(position) per step rather than O(allowed
 * keys), but one engine operation instead of two gathers: at every size this project runs, the step
 * is dominated by the per-operation cost and the projections, not by the scores ({@code
 * benchmarks/sample-kv-cache}).
 */
final class DecoderMasks {

  private final AttentionMasks masks;
  private final MaskBiases biases;
  private final NDManager manager;
  private final int length;
  private final DataType type;
  private final Map<AttentionMasks.Kind, NDArray> byKind = new EnumMap<>(AttentionMasks.Kind.class);
  private final Map<AttentionMasks.Kind, boolean[]> causalRows =
      new EnumMap<>(AttentionMasks.Kind.class);

  /**
   * @param length positions the decoder holds, {@code T − 1}
   * @param manager owns the arrays; closing it frees them
   */
  DecoderMasks(
      TransformerConfig config, MaskBiases biases, int length, DataType type, NDManager manager) {
    this.masks = config.masks();
    this.biases = biases;
    this.manager = manager;
    this.length = length;
    this.type = type;
  }

  /**
   * The bias row of {@code position} over keys {@code 0..position}, {@code (1, position+1)}; null
   * when the mask allows every one of them (plain causal attention needs no bias). The row is a
   * view owned by {@code step}.
   */
  NDArray row(AttentionMasks.Kind kind, int position, NDManager step) {
    boolean[] causal =
        causalRows.computeIfAbsent(
            kind,
            k -> {
              boolean[] flags = new boolean[length];
              for (int p = 0; p < length; p++) {
                flags[p] = masks.allowedKeys(k, p).length == p + 1;
              }
              return flags;
            });
    if (causal[position]) {
      return null;
    }
    NDArray bias =
        byKind.computeIfAbsent(
            kind, k -> biases.bias(k, length, manager).toType(type, false)); // (T-1, T-1)
    return Slices.view(
        bias, new long[] {position, 0}, new long[] {position + 1, position + 1}, step);
  }
}
