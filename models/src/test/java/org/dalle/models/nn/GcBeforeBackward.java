package org.dalle.models.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.dalle.models.optim.Gradients;

/**
 * Checks that a model's gradients do not depend on a garbage collection between the forward and the
 * backward pass: the forward pass may close its sub-manager before {@code backward} while autograd
 * still holds arrays made from Java values, whose freed buffers the allocator then hands out again
 * (see {@link EngineOwned}).
 */
public final class GcBeforeBackward {
  private GcBeforeBackward() {}

  /**
   * Asserts that every parameter's gradient of {@code loss(a, b)} is the same with and without a
   * collection (and the freed memory reused) between the passes.
   */
  public static void assertGradientsSurvive(
      Block model, NDArray a, NDArray b, BiFunction<NDArray, NDArray, NDArray> loss)
      throws InterruptedException {
    Map<String, float[]> undisturbed = gradients(model, a, b, loss, false);
    Map<String, float[]> collected = gradients(model, a, b, loss, true);
    for (Map.Entry<String, float[]> entry : undisturbed.entrySet()) {
      assertArrayEquals(entry.getValue(), collected.get(entry.getKey()), entry.getKey());
    }
  }

  /**
   * Every parameter's gradient of the loss of one batch; with {@code collect}, unreachable direct
   * buffers are freed and their memory handed out again between the forward and backward pass.
   */
  private static Map<String, float[]> gradients(
      Block model,
      NDArray a,
      NDArray b,
      BiFunction<NDArray, NDArray, NDArray> loss,
      boolean collect)
      throws InterruptedException {
    Engine engine = Engine.getEngine("PyTorch");
    List<ByteBuffer> reused = new ArrayList<>();
    Map<String, float[]> gradients = new LinkedHashMap<>();
    try (NDManager scope = a.getManager().newSubManager()) {
      NDArray stepA = a.duplicate();
      NDArray stepB = b.duplicate();
      stepA.attach(scope);
      stepB.attach(scope);
      try (GradientCollector collector = engine.newGradientCollector()) {
        NDArray total = loss.apply(stepA, stepB);
        if (collect) {
          for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
          }
          for (int i = 0; i < 20_000; i++) {
            reused.add(ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putLong(0, 3));
          }
        }
        collector.backward(total);
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
