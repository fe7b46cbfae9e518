package org.dalle.models.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dalle.models.optim.Gradients;
import org.junit.jupiter.api.Test;

/**
 * The contrastive loss's gradients do not depend on a garbage collection between the forward and
 * the backward pass: autograd keeps the pooling selection and the targets, made from Java values in
 * a sub-manager that the forward pass closes before {@code backward}.
 */
class ClipGradientsTest {

  @Test
  void gradientsSurviveAGarbageCollectionBeforeBackward() throws InterruptedException {
    System.setProperty("ai.djl.offline", "true");
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager manager = engine.newBaseManager()) {
      engine.setRandomSeed(1);
      ClipModel model = new ClipModel(ClipTestData.config());
      model.initializeParameters(manager);
      NDArray images = ClipTestData.images(manager, 16);
      NDArray ids = ClipTestData.ids(manager, ClipTestData.CAPTIONS, model.config());

      Map<String, float[]> undisturbed = gradients(model, images, ids, false);
      Map<String, float[]> collected = gradients(model, images, ids, true);

      for (Map.Entry<String, float[]> entry : undisturbed.entrySet()) {
        assertArrayEquals(entry.getValue(), collected.get(entry.getKey()), entry.getKey());
      }
    }
  }

  /**
   * Every parameter's gradient of the loss of one batch; with {@code collect}, unreachable direct
   * buffers are freed and their memory handed out again between the forward and backward pass.
   */
  private static Map<String, float[]> gradients(
      ClipModel model, NDArray images, NDArray ids, boolean collect) throws InterruptedException {
    Engine engine = Engine.getEngine("PyTorch");
    List<ByteBuffer> reused = new ArrayList<>();
    Map<String, float[]> gradients = new LinkedHashMap<>();
    try (NDManager scope = images.getManager().newSubManager()) {
      NDArray stepImages = images.duplicate();
      NDArray stepIds = ids.duplicate();
      stepImages.attach(scope);
      stepIds.attach(scope);
      try (GradientCollector collector = engine.newGradientCollector()) {
        ClipLoss loss = model.loss(stepImages, stepIds);
        if (collect) {
          for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
          }
          for (int i = 0; i < 20_000; i++) {
            reused.add(ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putLong(0, 3));
          }
        }
        collector.backward(loss.total());
      }
      for (Pair<String, Parameter> entry : model.getParameters()) {
        NDArray weight = entry.getValue().getArray();
        try (NDManager read = NDManager.subManagerOf(weight)) {
          weight.tempAttach(read);
          gradients.put(entry.getKey(), weight.getGradient().toFloatArray());
        }
      }
      Gradients.zeroGradients(model.getParameters());
    }
    return gradients;
  }
}
