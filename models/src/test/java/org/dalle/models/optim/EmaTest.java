package org.dalle.models.optim;

import static org.dalle.models.optim.TestParameters.parameter;
import static org.dalle.models.optim.TestParameters.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmaTest {

  private static final float TOLERANCE = 1e-6f;

  private final NDManager manager = NDManager.newBaseManager();

  @AfterEach
  void close() {
    manager.close();
  }

  private ParameterList params(float... values) {
    ParameterList params = new ParameterList();
    params.add("w", parameter(manager, "w", Parameter.Type.WEIGHT, values));
    return params;
  }

  private void assign(ParameterList params, float... values) {
    params.get("w").getArray().set(new NDIndex("..."), manager.create(values));
  }

  /** d = 0.9: s = (1, −2); after θ = (2, 0): (1.1, −1.8); after θ = (0, 0): (0.99, −1.62). */
  private Ema averaged(ParameterList params) {
    Ema ema = new Ema(0.9);
    ema.update(params);
    assign(params, 2f, 0f);
    ema.update(params);
    assign(params, 0f, 0f);
    ema.update(params);
    return ema;
  }

  @Test
  void averagesMatchHandValues() {
    ParameterList params = params(1f, -2f);
    try (Ema ema = averaged(params)) {
      ema.copyTo(params);
      assertArrayEquals(new float[] {0.99f, -1.62f}, values(params, "w"), TOLERANCE);
    }
  }

  @Test
  void swapPutsAveragesInAndTrainedValuesBack() {
    ParameterList params = params(1f, -2f);
    try (Ema ema = averaged(params)) {
      try (Ema.Swap swap = ema.swapInto(params)) {
        assertArrayEquals(new float[] {0.99f, -1.62f}, values(params, "w"), TOLERANCE);
      }
      assertArrayEquals(new float[] {0f, 0f}, values(params, "w"));
    }
  }

  @Test
  void savedAveragesLoadIntoAFreshEma() throws IOException {
    ParameterList params = params(1f, -2f);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Ema ema = averaged(params)) {
      ema.save(bytes);
    }
    try (Ema loaded = new Ema(0.9)) {
      loaded.load(new ByteArrayInputStream(bytes.toByteArray()));
      assign(params, 1f, 1f);
      loaded.update(params);
      loaded.copyTo(params);
      // 0.9·(0.99, −1.62) + 0.1·(1, 1)
      assertArrayEquals(new float[] {0.991f, -1.358f}, values(params, "w"), TOLERANCE);
    }
  }

  @Test
  void rejectsParametersItDoesNotAverage() {
    ParameterList params = params(1f, -2f);
    try (Ema ema = averaged(params)) {
      ParameterList other = new ParameterList();
      other.add("u", parameter(manager, "u", Parameter.Type.WEIGHT, 1f, 2f));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> ema.update(other));
      assertEquals(
          "EMA parameters do not match the model: not averaged [u], unknown [w]", e.getMessage());
    }
  }

  @Test
  void rejectsUseBeforeFirstUpdateAndBadDecay() {
    try (Ema ema = new Ema(0.99)) {
      assertThrows(IllegalStateException.class, () -> ema.copyTo(params(1f)));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Ema(1.0));
    assertEquals("EMA decay must be in [0, 1), got 1.0", e.getMessage());
  }
}
