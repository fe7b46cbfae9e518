package org.dalle.models.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;

/** Builds small parameter lists and gives them chosen gradients, for the optimizer tests. */
final class TestParameters {

  private TestParameters() {}

  /** A trainable parameter of {@code type} holding {@code values}. */
  static Parameter parameter(NDManager manager, String name, Parameter.Type type, float... values) {
    NDArray array = manager.create(values);
    array.setRequiresGradient(true);
    return Parameter.builder().setName(name).setType(type).optArray(array).build();
  }

  /**
   * Sets each parameter's gradient to the given values (in list order) by back-propagating Σ θ·c.
   */
  static void setGradients(ParameterList params, float[]... gradients) {
    Gradients.zeroGradients(params);
    NDManager manager = params.get(0).getValue().getArray().getManager();
    try (NDManager scope = manager.newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray loss = scope.create(0f);
      for (int i = 0; i < gradients.length; i++) {
        NDArray weight = params.get(i).getValue().getArray();
        loss = loss.add(scope.create(gradients[i]).mul(weight).sum()); // temporaries in scope
      }
      collector.backward(loss);
    }
  }

  static float[] values(ParameterList params, String name) {
    return params.get(name).getArray().toFloatArray();
  }

  static float[] gradient(ParameterList params, String name) {
    NDArray weight = params.get(name).getArray();
    try (NDManager scope = NDManager.subManagerOf(weight)) {
      weight.tempAttach(scope);
      return weight.getGradient().toFloatArray();
    }
  }
}
