package org.dalle.models.optim;

import static org.dalle.models.optim.TestParameters.parameter;
import static org.dalle.models.optim.TestParameters.setGradients;
import static org.dalle.models.optim.TestParameters.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdamWTest {

  private static final float TOLERANCE = 1e-6f;
  private static final float[] G1 = {0.5f, -1.0f};
  private static final float[] G2 = {-0.25f, 2.0f};

  private final NDManager manager = NDManager.newBaseManager();

  @AfterEach
  void close() {
    manager.close();
  }

  private ParameterList weightAndBias() {
    ParameterList params = new ParameterList();
    params.add("w", parameter(manager, "w", Parameter.Type.WEIGHT, 1f, -2f));
    params.add("b", parameter(manager, "b", Parameter.Type.BIAS, 1f, -2f));
    return params;
  }

  // Hand values for θ₀ = (1, −2), g₁ = (0.5, −1), g₂ = (−0.25, 2), η = 0.1, β = (0.9, 0.999):
  // update 1: m̂ = g₁ and v̂ = g₁², so θ moves by η·sign(g₁) → (0.9, −1.9);
  // update 2: m = (0.02, 0.11), v = (0.00031225, 0.004999), 1 − β₁² = 0.19, 1 − β₂² = 0.001999,
  //   step = 0.1·(m/0.19)/√(v/0.001999) = (0.0266337, 0.0366104) → (0.8733663, −1.9366104).
  // With λ = 0.1 the weight is first multiplied by 1 − ηλ = 0.99 at each update:
  //   (0.99, −1.98) → (0.89, −1.88); (0.8811, −1.8612) → (0.8544663, −1.8978104).
  @Test
  void twoUpdatesMatchHandValuesWithAndWithoutDecay() {
    ParameterList params = weightAndBias();
    try (AdamW adam = AdamW.builder().optBetas(0.9, 0.999).optWeightDecay(0.1).build()) {
      setGradients(params, G1, G1);
      adam.update(params, 0.1);
      assertArrayEquals(new float[] {0.89f, -1.88f}, values(params, "w"), TOLERANCE);
      assertArrayEquals(new float[] {0.9f, -1.9f}, values(params, "b"), TOLERANCE);
      setGradients(params, G2, G2);
      adam.update(params, 0.1);
      assertArrayEquals(new float[] {0.8544663f, -1.8978104f}, values(params, "w"), TOLERANCE);
      assertArrayEquals(new float[] {0.8733663f, -1.9366104f}, values(params, "b"), TOLERANCE);
      assertEquals(2, adam.step());
    }
  }

  @Test
  void decayFilterSelectsParametersByName() {
    ParameterList params = new ParameterList();
    params.add("proj_weight", parameter(manager, "weight", Parameter.Type.WEIGHT, 1f, -2f));
    params.add("tok_embedding", parameter(manager, "embedding", Parameter.Type.WEIGHT, 1f, -2f));
    try (AdamW adam =
        AdamW.builder()
            .optWeightDecay(0.1)
            .optDecayFilter((name, p) -> !name.endsWith("embedding"))
            .build()) {
      setGradients(params, G1, G1);
      adam.update(params, 0.1);
    }
    assertArrayEquals(new float[] {0.89f, -1.88f}, values(params, "proj_weight"), TOLERANCE);
    assertArrayEquals(new float[] {0.9f, -1.9f}, values(params, "tok_embedding"), TOLERANCE);
  }

  @Test
  void frozenParametersAreLeftAlone() {
    ParameterList params = weightAndBias();
    params.get("b").freeze(true);
    try (AdamW adam = AdamW.builder().build()) {
      setGradients(params, G1);
      adam.update(params, 0.1);
    }
    assertArrayEquals(new float[] {1f, -2f}, values(params, "b"));
  }

  @Test
  void resumingFromExportedStateTakesBitIdenticalSteps() throws IOException {
    float[][] gradients = randomGradients(4, 5);
    float[] start = {0.3f, -1.2f, 2.5f, 0f, -0.01f};

    ParameterList straight = single(start);
    try (AdamW adam = adam()) {
      for (float[] g : gradients) {
        setGradients(straight, g);
        adam.update(straight, 1e-2);
      }
    }

    ParameterList first = single(start);
    ByteArrayOutputStream state = new ByteArrayOutputStream();
    try (AdamW adam = adam()) {
      for (int i = 0; i < 2; i++) {
        setGradients(first, gradients[i]);
        adam.update(first, 1e-2);
      }
      adam.save(state);
    }
    ParameterList resumed = single(values(first, "w"));
    try (AdamW adam = adam()) {
      adam.load(new ByteArrayInputStream(state.toByteArray()));
      assertEquals(2, adam.step());
      for (int i = 2; i < gradients.length; i++) {
        setGradients(resumed, gradients[i]);
        adam.update(resumed, 1e-2);
      }
    }
    assertArrayEquals(values(straight, "w"), values(resumed, "w"));
  }

  @Test
  void stateOfAnotherModelIsRejected() {
    ParameterList params = single(new float[] {1f});
    try (AdamW adam = adam();
        NDManager scope = manager.newSubManager()) {
      setGradients(params, new float[] {1f});
      adam.update(params, 0.1);
      NDList state = adam.exportState(scope);
      ParameterList other = new ParameterList();
      other.add("u", parameter(manager, "u", Parameter.Type.WEIGHT, 1f));
      setGradients(other, new float[] {1f});
      try (AdamW restored = adam()) {
        restored.importState(state);
        IllegalStateException e =
            assertThrows(IllegalStateException.class, () -> restored.update(other, 0.1));
        assertEquals(
            "optimizer state after 1 updates does not match the trainable parameters:"
                + " no moments for [u], moments for unknown [w]; the state belongs to a different"
                + " model",
            e.getMessage());
        assertArrayEquals(new float[] {1f}, values(other, "u"));
      }
    }
  }

  @Test
  void updatesLeaveNoArraysBehind() {
    ParameterList params = single(new float[] {1f, 2f, 3f});
    try (AdamW adam = adam()) {
      setGradients(params, new float[] {1f, 1f, 1f});
      adam.update(params, 0.1);
      int before = manager.getManagedArrays().size();
      for (int i = 0; i < 20; i++) {
        adam.update(params, 0.1);
      }
      assertEquals(before, manager.getManagedArrays().size());
    }
  }

  @Test
  void rejectsBadHyperParameters() {
    assertThrows(IllegalArgumentException.class, () -> AdamW.builder().optBetas(1.0, 0.9).build());
    assertThrows(IllegalArgumentException.class, () -> AdamW.builder().optEpsilon(0).build());
    try (AdamW adam = adam()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> adam.update(single(G1), -1));
      assertEquals("learning rate must be >= 0 and finite, got -1.0", e.getMessage());
    }
  }

  private static AdamW adam() {
    return AdamW.builder().optBetas(0.9, 0.96).optWeightDecay(4.5e-2).build();
  }

  private ParameterList single(float[] values) {
    ParameterList params = new ParameterList();
    params.add("w", parameter(manager, "w", Parameter.Type.WEIGHT, values.clone()));
    return params;
  }

  private static float[][] randomGradients(int steps, int size) {
    Random random = new Random(42);
    float[][] gradients = new float[steps][size];
    for (float[] g : gradients) {
      for (int i = 0; i < size; i++) {
        g[i] = (float) random.nextGaussian();
      }
    }
    return gradients;
  }
}
