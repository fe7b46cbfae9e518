package org.dalle.models.transformer;

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
import java.util.Random;
import org.dalle.models.optim.Gradients;
import org.junit.jupiter.api.Test;

/**
 * The loss's gradients do not depend on a garbage collection between the forward and the backward
 * pass. The forward pass closes its sub-manager before {@code backward}, while autograd still holds
 * the ids of every embedding lookup; ids that shared a Java buffer were freed by that collection,
 * and the rows they named silently lost their gradient (the position, row and column embeddings of
 * a two-rank run once ended 1.7e-3 away from one process's).
 */
class PositionGradientsTest {

  @Test
  void gradientsSurviveAGarbageCollectionBeforeBackward() throws InterruptedException {
    System.setProperty("ai.djl.offline", "true");
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 1);
      Random random = new Random(1);
      NDArray text = TinyPriors.text(manager, 2, random);
      NDArray image = TinyPriors.image(manager, 2, random);

      Map<String, float[]> undisturbed = gradients(model, text, image, false);
      Map<String, float[]> collected = gradients(model, text, image, true);

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
      TransformerPrior model, NDArray text, NDArray image, boolean collect)
      throws InterruptedException {
    Engine engine = Engine.getEngine("PyTorch");
    List<ByteBuffer> reused = new ArrayList<>();
    Map<String, float[]> gradients = new LinkedHashMap<>();
    try (NDManager scope = text.getManager().newSubManager()) {
      NDArray stepText = text.duplicate();
      NDArray stepImage = image.duplicate();
      stepText.attach(scope);
      stepImage.attach(scope);
      try (GradientCollector collector = engine.newGradientCollector()) {
        PriorLoss loss = model.loss(stepText, stepImage);
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
