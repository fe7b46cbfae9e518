package org.dalle.jobs.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import org.dalle.jobs.train.GradientReducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PowerSGD's arithmetic on one process (the mean over one rank is the identity). */
class PowerSgdTest {

  @BeforeAll
  static void offline() {
    System.setProperty("ai.djl.offline", "true");
  }

  /** A (6, 4) weight, a (2, 3, 2) weight and a (4,) bias whose gradients are {@code target}s. */
  private static ParameterList withGradients(NDManager manager, long seed) {
    Engine.getInstance().setRandomSeed((int) seed);
    ParameterList parameters = new ParameterList();
    Shape[] shapes = {new Shape(6, 4), new Shape(2, 3, 2), new Shape(4)};
    NDArray loss = null;
    for (int i = 0; i < shapes.length; i++) {
      Parameter parameter =
          Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT).build();
      NDArray array = manager.zeros(shapes[i]);
      parameter.setArray(array);
      array.setRequiresGradient(true);
      parameters.add("p" + i, parameter);
    }
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      for (ai.djl.util.Pair<String, Parameter> entry : parameters) {
        NDArray w = entry.getValue().getArray();
        NDArray target = manager.randomNormal(w.getShape());
        NDArray term = w.mul(target).sum();
        loss = loss == null ? term : loss.add(term);
      }
      collector.backward(loss);
    }
    return parameters;
  }

  private static float[] gradient(ParameterList parameters, int i) {
    return parameters.get(i).getValue().getArray().getGradient().toFloatArray();
  }

  @Test
  void atFullRankTheGradientsComeBackUnchanged() {
    try (NDManager manager = NDManager.newBaseManager()) {
      ParameterList parameters = withGradients(manager, 1);
      float[][] before = {
        gradient(parameters, 0), gradient(parameters, 1), gradient(parameters, 2)
      };
      new PowerSgd(GradientReducer.LOCAL, arrays -> {}, 4).reduce(parameters);
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(before[i], gradient(parameters, i), 1e-5f, "parameter " + i);
      }
    }
  }

  @Test
  void errorFeedbackKeepsWhatTheLowRankStepsLeftOut() {
    // Over steps, the applied approximations plus the error still carried add up to the true
    // gradients: nothing is lost, only delayed.
    try (NDManager manager = NDManager.newBaseManager()) {
      PowerSgd compressor = new PowerSgd(GradientReducer.LOCAL, arrays -> {}, 1);
      float[] trueSum = new float[24];
      float[] appliedSum = new float[24];
      for (int step = 0; step < 3; step++) {
        ParameterList parameters = withGradients(manager, 10 + step);
        float[] g = gradient(parameters, 0);
        compressor.reduce(parameters);
        float[] applied = gradient(parameters, 0);
        float off = 0;
        for (int i = 0; i < 24; i++) {
          trueSum[i] += g[i];
          appliedSum[i] += applied[i];
          off = Math.max(off, Math.abs(g[i] - applied[i]));
        }
        assertTrue(off > 0.05f, "a rank-1 approximation equal to the (6, 4) gradient: " + off);
      }
      float[] error = compressor.errorOf("p0");
      for (int i = 0; i < 24; i++) {
        assertEquals(trueSum[i], appliedSum[i] + error[i], 1e-4f, "element " + i);
      }
      // (6, 4) at rank 1 sends 6 + 4 of 24, (2, 3, 2) as (2, 6) sends 2 + 6 of 12, the bias 4 of 4.
      assertEquals(1 - (10.0 + 8 + 4) / (24 + 12 + 4), compressor.compression(), 1e-9);
    }
  }

  @Test
  void aRestoredStateContinuesAsTheUninterruptedCompressor() {
    try (NDManager manager = NDManager.newBaseManager()) {
      PowerSgd uninterrupted = new PowerSgd(GradientReducer.LOCAL, arrays -> {}, 1);
      for (int step = 0; step < 2; step++) {
        uninterrupted.reduce(withGradients(manager, 20 + step));
      }
      ParameterList parameters = withGradients(manager, 22);
      NDList saved = uninterrupted.checkpointState(parameters, manager);
      PowerSgd resumed = new PowerSgd(GradientReducer.LOCAL, arrays -> {}, 1);
      resumed.restoreState(saved, parameters, "test");
      assertArrayEquals(uninterrupted.errorOf("p0"), resumed.errorOf("p0"));

      uninterrupted.reduce(parameters);
      float[][] expected = {gradient(parameters, 0), gradient(parameters, 1)};
      ParameterList again = withGradients(manager, 22);
      resumed.reduce(again);
      assertArrayEquals(expected[0], gradient(again, 0), "(6, 4) after the resume");
      assertArrayEquals(expected[1], gradient(again, 1), "(2, 3, 2) after the resume");
      assertArrayEquals(uninterrupted.errorOf("p1"), resumed.errorOf("p1"));
    }
  }

  @Test
  void aStateOfAnotherRankStartsFromZero() {
    try (NDManager manager = NDManager.newBaseManager()) {
      PowerSgd rankOne = new PowerSgd(GradientReducer.LOCAL, arrays -> {}, 1);
      rankOne.reduce(withGradients(manager, 30));
      ParameterList parameters = withGradients(manager, 31);
      NDList saved = rankOne.checkpointState(parameters, manager);
      assertEquals("[1, 1, 1]", Arrays.toString(saved.get(PowerSgdState.ARRANGEMENT).toIntArray()));

      PowerSgd rankTwo = new PowerSgd(GradientReducer.LOCAL, arrays -> {}, 2);
      rankTwo.restoreState(saved, parameters, "test"); // warns: another PowerSGD rank
      assertEquals(0, rankTwo.errorOf("p0").length);
      PowerSgd withoutState = new PowerSgd(GradientReducer.LOCAL, arrays -> {}, 1);
      withoutState.restoreState(new NDList(), parameters, "test"); // warns: no PowerSGD state
      assertEquals(0, withoutState.errorOf("p0").length);
    }
  }

  @Test
  void orthonormalColumnsAreOrthonormal() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray p = manager.create(new float[] {1, 1, 0, 1, 0, 0, 2, 3, 1}, new Shape(3, 3));
      NDArray q = PowerSgd.orthonormalColumns(p, manager);
      assertArrayEquals(
          manager.eye(3).toFloatArray(), q.transpose().matMul(q).toFloatArray(), 1e-6f);
    }
  }
}
