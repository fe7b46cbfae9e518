package org.dalle.models.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleTest {

  @Test
  void gradientSurvivesGarbageCollectionBeforeBackward() throws InterruptedException {
    System.setProperty("ai.djl.offline", "true");
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager m = engine.newBaseManager()) {
      NDArray x = m.create(new float[] {1f, 2f, 3f});
      x.setRequiresGradient(true);
      List<ByteBuffer> reused = new ArrayList<>();
      try (GradientCollector collector = engine.newGradientCollector()) {
        NDArray y = Scale.by(x, 3f).sum();
        // Free every unreachable direct buffer and hand its memory out again with other
        // contents: x.mul(3f) fails here, its saved scalar reads back as garbage.
        for (int i = 0; i < 3; i++) {
          System.gc();
          Thread.sleep(50);
        }
        for (int i = 0; i < 20_000; i++) {
          reused.add(ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder()).putFloat(0, 1e3f));
        }
        collector.backward(y);
      }
      try (NDArray grad = x.getGradient()) {
        assertArrayEquals(new float[] {3f, 3f, 3f}, grad.toFloatArray());
      }
    }
  }
}
