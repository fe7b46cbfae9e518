package org.dalle.models.optim;

import static org.dalle.models.optim.TestParameters.gradient;
import static org.dalle.models.optim.TestParameters.parameter;
import static org.dalle.models.optim.TestParameters.setGradients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GradientsTest {

  private final NDManager manager = NDManager.newBaseManager();

  @AfterEach
  void close() {
    manager.close();
  }

  /** Gradients (3, 4) and (12): global norm √(9 + 16 + 144) = 13. */
  private ParameterList withGradients(float[] a, float[] b) {
    ParameterList params = new ParameterList();
    params.add("a", parameter(manager, "a", Parameter.Type.WEIGHT, 0f, 0f));
    params.add("b", parameter(manager, "b", Parameter.Type.BIAS, 0f));
    setGradients(params, a, b);
    return params;
  }

  @Test
  void globalNormSpansAllParameters() {
    ParameterList params = withGradients(new float[] {3f, 4f}, new float[] {12f});
    assertEquals(13.0, Gradients.globalGradNorm(params), 1e-9);
  }

  @Test
  void clippingScalesEveryGradientToTheMaximumNorm() {
    ParameterList params = withGradients(new float[] {3f, 4f}, new float[] {12f});
    assertEquals(13.0, Gradients.clipByGlobalNorm(params, 6.5), 1e-9);
    // scale 6.5 / (13 + 1e-6) = 0.49999996
    assertArrayEquals(new float[] {1.5f, 2f}, gradient(params, "a"), 1e-6f);
    assertArrayEquals(new float[] {6f}, gradient(params, "b"), 1e-6f);
    assertEquals(6.5, Gradients.globalGradNorm(params), 1e-5);
  }

  @Test
  void clippingLeavesSmallGradientsAlone() {
    ParameterList params = withGradients(new float[] {3f, 4f}, new float[] {12f});
    assertEquals(13.0, Gradients.clipByGlobalNorm(params, 4 * 13.0), 1e-9);
    assertArrayEquals(new float[] {3f, 4f}, gradient(params, "a"));
    assertArrayEquals(new float[] {12f}, gradient(params, "b"));
  }

  @Test
  void nonFiniteNormIsReportedAndGradientsAreNotScaled() {
    ParameterList params =
        withGradients(new float[] {3f, Float.POSITIVE_INFINITY}, new float[] {12f});
    assertEquals(Double.POSITIVE_INFINITY, Gradients.clipByGlobalNorm(params, 4), 0);
    assertArrayEquals(new float[] {12f}, gradient(params, "b"));
  }

  @Test
  void zeroingClearsNonFiniteGradients() {
    ParameterList params = withGradients(new float[] {Float.NaN, 4f}, new float[] {12f});
    Gradients.zeroGradients(params);
    assertArrayEquals(new float[] {0f, 0f}, gradient(params, "a"));
    assertArrayEquals(new float[] {0f}, gradient(params, "b"));
  }

  @Test
  void frozenParametersDoNotCount() {
    ParameterList params = withGradients(new float[] {3f, 4f}, new float[] {12f});
    params.get("b").freeze(true);
    assertEquals(5.0, Gradients.globalGradNorm(params), 1e-9);
  }

  @Test
  void rejectsNonPositiveMaximum() {
    ParameterList params = withGradients(new float[] {3f, 4f}, new float[] {12f});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Gradients.clipByGlobalNorm(params, 0));
    assertEquals("max norm must be positive and finite, got 0.0", e.getMessage());
  }
}
