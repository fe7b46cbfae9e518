package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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
 * Per-resblock gradient scaling wired into a float32 backward pass on the CPU: the forward pass is
 * unchanged, each block's gradients come out multiplied by its scale and unscale back, the rest are
 * untouched, and an injected NaN makes the scaler skip the update.
 */
class GradientScalingTest {

  @Test
  void blockGradientsAreScaledByTheirBlocksScale() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager manager = engine.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 2);
      Random random = new Random(2);
      NDArray text = TinyPriors.text(manager, 2, random);
      NDArray image = TinyPriors.image(manager, 2, random);
      ParameterList params = model.getParameters();

      float plainLoss = backward(engine, model, text, image, null);
      Map<String, float[]> plain = gradients(params);

      ResblockGradientScaler scaler = new ResblockGradientScaler(config.layers(), 1);
      float[] scales = {8192f, 1024f, 64f, 2f, 8192f};
      float scaledLoss = backward(engine, model, text, image, scales);
      assertEquals(plainLoss, scaledLoss, 0f, "scaling must not change the forward pass");
      Map<String, float[]> scaled = gradients(params);

      Map<String, Float> scaleOf = new HashMap<>();
      for (int layer = 1; layer <= config.layers(); layer++) {
        ParameterList block = model.blockParameters(layer);
        assertEquals(12, block.size(), "parameters of block " + layer);
        for (String key : block.keys()) {
          scaleOf.put(key, scales[layer - 1]);
        }
      }
      for (String key : params.keys()) {
        float factor = scaleOf.getOrDefault(key, 1f);
        assertProportional(plain.get(key), scaled.get(key), factor, key);
      }

      boolean[] finite = new boolean[config.layers()];
      for (int layer = 1; layer <= config.layers(); layer++) {
        finite[layer - 1] = BlockGradients.unscale(model.blockParameters(layer), scales[layer - 1]);
      }
      for (String key : params.keys()) {
        assertProportional(plain.get(key), gradients(params).get(key), 1f, key + " unscaled");
      }
      assertTrue(scaler.update(finite), "a clean backward pass is applied");

      // An overflow inside block 3: its check fails and the scaler skips the update.
      NDArray weight = model.blockParameters(3).valueAt(0).getArray();
      try (NDManager scope = NDManager.subManagerOf(weight)) {
        weight.tempAttach(scope);
        weight.getGradient().set(new NDIndex("0"), Float.NaN);
      }
      assertFalse(BlockGradients.unscale(model.blockParameters(3), 1));
      assertTrue(BlockGradients.unscale(model.blockParameters(2), 1));
      assertFalse(scaler.update(new boolean[] {true, true, false, true, true}));
      assertEquals(8192 * Math.pow(2, 1.0 / 1000) / Math.sqrt(2), scaler.scales()[2], 1e-6);
    }
  }

  private static float backward(
      Engine engine, TransformerPrior model, NDArray text, NDArray image, float[] scales) {
    Gradients.zeroGradients(model.getParameters());
    try (NDManager scope = text.getManager().newSubManager();
        GradientCollector collector = engine.newGradientCollector()) {
      PriorLoss loss = model.loss(text, image, false, scales);
      collector.backward(loss.total());
      float value = loss.total().getFloat();
      loss.total().attach(scope);
      return value;
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

  private static void assertProportional(float[] plain, float[] scaled, float factor, String key) {
    double norm = 0;
    for (float g : plain) {
      norm = Math.max(norm, Math.abs(g));
    }
    assertTrue(norm > 0, key + " has no gradient");
    for (int i = 0; i < plain.length; i++) {
      assertEquals(plain[i] * factor, scaled[i], 1e-4 * norm * factor, key + "[" + i + "]");
    }
  }
}
