package org.dalle.models.optim;

import static org.dalle.models.optim.TestParameters.parameter;
import static org.dalle.models.optim.TestParameters.setGradients;
import static org.dalle.models.optim.TestParameters.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sharded optimizer state and EMA (ZeRO stage 1): three ranks that each update only their slices
 * and then take each element from its owner end with exactly the weights and averages of one
 * unsharded optimizer.
 */
class ParameterShardTest {

  private static final float[][] G1 = {{0.5f, -1, 2, 0.25f, -3}, {1, 2, -1}, {0.125f, 4}};
  private static final float[][] G2 = {{-0.25f, 2, 1, -0.5f, 1}, {-2, 0.5f, 3}, {1, -1}};

  private final NDManager manager = NDManager.newBaseManager();

  @AfterEach
  void close() {
    manager.close();
  }

  /** w (5 elements), b (3), c (2): 10 elements, so 3 ranks hold 4 each, the last 2 of padding. */
  private ParameterList model() {
    ParameterList params = new ParameterList();
    params.add("w", parameter(manager, "w", Parameter.Type.WEIGHT, 1, -2, 3, 0.5f, -1));
    params.add("b", parameter(manager, "b", Parameter.Type.BIAS, 0.1f, 0.2f, -0.3f));
    params.add("c", parameter(manager, "c", Parameter.Type.WEIGHT, 2, -2));
    return params;
  }

  @Test
  void slicesCutTheFlatParametersIntoEqualShards() {
    ParameterList params = model();
    ParameterShard middle = ParameterShard.of(params, 1, 3, x -> x);
    assertEquals(4, middle.shardElements());
    assertEquals(10, middle.totalElements());
    assertEquals(
        List.of(
            new ParameterShard.Slice("w", 5, 4, 5, 0), new ParameterShard.Slice("b", 3, 0, 3, 1)),
        middle.slices());
    assertEquals(
        List.of(new ParameterShard.Slice("c", 2, 0, 2, 0)),
        ParameterShard.of(params, 2, 3, x -> x).slices());
    assertThrows(IllegalArgumentException.class, () -> ParameterShard.of(params, 3, 3, x -> x));
  }

  @Test
  void shardedUpdatesOfEveryRankTogetherEqualOneUnshardedUpdate() {
    ParameterList whole = model();
    float[][] expected;
    float[][] expectedEma;
    try (AdamW adam = optimizer();
        Ema ema = new Ema(0.5)) {
      for (float[][] g : List.of(G1, G2)) {
        setGradients(whole, g);
        adam.update(whole, 0.1);
        ema.update(whole);
      }
      expected = valuesOf(whole);
      ema.copyTo(whole);
      expectedEma = valuesOf(whole);
    }

    float[][] merged = new float[3][];
    float[][] mergedEma = new float[3][];
    for (int i = 0; i < 3; i++) {
      merged[i] = new float[expected[i].length];
      mergedEma[i] = new float[expected[i].length];
    }
    for (int rank = 0; rank < 3; rank++) {
      ParameterList params = model();
      ParameterShard shard = ParameterShard.of(params, rank, 3, x -> x);
      try (AdamW adam = optimizer();
          Ema ema = new Ema(0.5)) {
        adam.shardOver(shard);
        ema.shardOver(shard);
        for (float[][] g : List.of(G1, G2)) {
          setGradients(params, g);
          adam.update(params, 0.1);
          ema.update(params);
        }
        assertThrows(IllegalStateException.class, () -> ema.copyTo(params));
        float[][] updated = valuesOf(params);
        for (ParameterShard.Slice slice : shard.slices()) {
          int i = params.keys().indexOf(slice.name());
          for (long e = slice.from(); e < slice.to(); e++) {
            merged[i][(int) e] = updated[i][(int) e];
          }
          float[] average = ema.exportState(manager).get(slice.name()).toFloatArray();
          System.arraycopy(average, 0, mergedEma[i], (int) slice.from(), average.length);
        }
      }
    }
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(expected[i], merged[i], 1e-7f, "parameter " + i);
      assertArrayEquals(expectedEma[i], mergedEma[i], 1e-7f, "EMA of parameter " + i);
    }
  }

  @Test
  void aWholeStateImportedIntoAShardedOptimizerKeepsOnlyTheOwnedSlices() {
    ParameterList params = model();
    try (AdamW whole = optimizer();
        AdamW sharded = optimizer()) {
      setGradients(params, G1);
      whole.update(params, 0.1);
      sharded.shardOver(ParameterShard.of(params, 1, 3, x -> x));
      sharded.importState(whole.exportState(manager));
      assertEquals(1, sharded.step());
      assertEquals(2 * 4 * 4, sharded.stateBytes());
      float[] m = sharded.exportState(manager).get("m/b").toFloatArray();
      assertArrayEquals(whole.exportState(manager).get("m/b").toFloatArray(), m);
      assertEquals(1, sharded.exportState(manager).get("m/w").size());
    }
  }

  @Test
  void theShardedGradientNormAddsEveryRanksSquaresOverRanks() {
    ParameterList params = model();
    setGradients(params, G1);
    double sumOfSquares = 0;
    for (float[] g : G1) {
      for (float x : g) {
        sumOfSquares += x * x;
      }
    }
    try (AdamW adam = optimizer()) {
      // Rank 1 of 3 holds w[4] and b: its sum of squares is 9 + 1 + 4 + 1; the others' 5.3125
      // + 16.015625 come back from the stand-in for the all-reduce.
      double others = sumOfSquares - 15;
      adam.shardOver(ParameterShard.of(params, 1, 3, local -> local + others));
      assertEquals(Math.sqrt(sumOfSquares), adam.gradientNorm(params), 1e-6);
      assertEquals(Gradients.globalGradNorm(params), adam.gradientNorm(params), 1e-6);
    }
  }

  private static AdamW optimizer() {
    return AdamW.builder().optBetas(0.9, 0.99).optWeightDecay(0.1).build();
  }

  private static float[][] valuesOf(ParameterList params) {
    float[][] out = new float[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      out[i] = values(params, params.get(i).getKey());
    }
    return out;
  }
}
