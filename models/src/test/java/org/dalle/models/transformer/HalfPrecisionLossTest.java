package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.dalle.models.optim.Gradients;
import org.junit.jupiter.api.Test;

/**
 * Float16 resblocks on the CPU: the loss and every parameter's gradient (embeddings and heads
 * included, which the float16 part reaches only through the hand-made precision boundary) match the
 * float32 pass up to float16 rounding, and the masters stay float32.
 */
class HalfPrecisionLossTest {

  @Test
  void matchesTheFloat32LossAndGradients() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager manager = engine.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 3);
      Random random = new Random(3);
      NDArray text = TinyPriors.text(manager, 3, random);
      NDArray image = TinyPriors.image(manager, 3, random);
      ParameterList params = model.getParameters();
      HalfPrecisionLoss half = new HalfPrecisionLoss(model);

      Gradients.zeroGradients(params);
      float full;
      try (NDManager scope = manager.newSubManager();
          GradientCollector collector = engine.newGradientCollector()) {
        PriorLoss loss = model.loss(text, image, false, null);
        collector.backward(loss.total());
        full = loss.total().getFloat();
        loss.total().attach(scope);
      }
      Map<String, float[]> expected = gradients(params);

      Gradients.zeroGradients(params);
      float[] scales = {1024f, 4f, 1f, 70000f, 8192f}; // 70000 needs two float16 factors
      float halfLoss;
      try (NDManager scope = manager.newSubManager();
          GradientCollector collector = engine.newGradientCollector()) {
        PriorLoss loss = half.lossAndBackward(collector, text, image, scales);
        halfLoss = loss.total().getFloat();
        loss.total().attach(scope);
      }
      for (int layer = 1; layer <= config.layers(); layer++) {
        assertTrue(BlockGradients.unscale(model.blockParameters(layer), scales[layer - 1]));
      }
      Map<String, float[]> actual = gradients(params);

      assertEquals(full, halfLoss, 5e-3 * full, "loss");
      for (Pair<String, Parameter> entry : params) {
        assertEquals(DataType.FLOAT32, entry.getValue().getArray().getDataType());
        float[] e = expected.get(entry.getKey());
        float[] a = actual.get(entry.getKey());
        double norm = 0;
        double error = 0;
        for (int i = 0; i < e.length; i++) {
          norm += e[i] * e[i];
          error += (a[i] - e[i]) * (a[i] - e[i]);
        }
        assertTrue(norm > 0, entry.getKey() + " has no gradient");
        assertTrue(
            Math.sqrt(error) < 0.02 * Math.sqrt(norm),
            entry.getKey() + ": relative error " + Math.sqrt(error / norm));
      }
    }
  }

  private static Map<String, float[]> gradients(ParameterList params) {
    Map<String, float[]> out = new HashMap<>();
    for (Pair<String, Parameter> entry : params) {
      NDArray weight = entry.getValue().getArray();
      try (NDManager scope = NDManager.subManagerOf(weight)) {
        weight.tempAttach(scope);
        out.put(entry.getKey(), weight.getGradient().toFloatArray());
      }
    }
    return out;
  }
}
