package org.dalle.models.dvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class ChannelsLastTest {

  private static final Shape SHAPE = new Shape(2, 3, 4, 5);

  @Test
  void keepsShapeAndValues() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = m.randomNormal(SHAPE);
      NDArray y = ChannelsLast.of(x);
      assertEquals(SHAPE, y.getShape());
      assertArrayEquals(x.toFloatArray(), y.toFloatArray());
      assertArrayEquals(x.toFloatArray(), ChannelsLast.of(y).toFloatArray());
    }
  }

  @Test
  void copiesPlaneByPlaneInput() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = m.randomNormal(SHAPE);
      float[] before = x.toFloatArray();
      ChannelsLast.of(x).addi(1f);
      assertArrayEquals(before, x.toFloatArray(), "the input must not share memory with a copy");
    }
  }

  @Test
  void isAViewOfInputThatIsAlreadyChannelsLast() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray once = ChannelsLast.of(m.randomNormal(SHAPE));
      // A view shares memory: writing through it shows that `once` is stored pixel by pixel.
      assertWritesThrough(once, ChannelsLast.of(once));
    }
  }

  @Test
  void planarCopiesChannelsLastInputAndIsAViewOfPlainInput() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray plain = m.randomNormal(SHAPE);
      NDArray channelsLast = ChannelsLast.of(plain);
      NDArray back = ChannelsLast.planar(channelsLast);
      assertArrayEquals(plain.toFloatArray(), back.toFloatArray());
      float[] before = channelsLast.toFloatArray();
      back.addi(1f);
      assertArrayEquals(before, channelsLast.toFloatArray(), "a copy must not share memory");
      assertWritesThrough(plain, ChannelsLast.planar(plain));
    }
  }

  @Test
  void codesLastIsAPlainViewOfChannelsLastLogits() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray logits = ChannelsLast.of(m.randomNormal(SHAPE)); // (B, K, G, G) channels-last
      NDArray codesLast = ChannelsLast.codesLast(logits);
      assertEquals(new Shape(2, 4, 5, 3), codesLast.getShape());
      assertEquals(logits.get(1, 2, 3, 4).getFloat(), codesLast.get(1, 3, 4, 2).getFloat());
      // Plain already: reshaping it to one row is a view, so a write through it reaches logits.
      float before = logits.get(0, 0, 0, 0).getFloat();
      codesLast.reshape(-1).addi(1f);
      assertEquals(before + 1f, logits.get(0, 0, 0, 0).getFloat(), 1e-6f);
    }
  }

  @Test
  void passesGradientsThrough() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = m.randomNormal(SHAPE);
      NDArray weights = m.randomNormal(SHAPE);
      x.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        collector.backward(ChannelsLast.of(x).mul(weights).sum());
      }
      assertArrayEquals(weights.toFloatArray(), x.getGradient().toFloatArray());
    }
  }

  @Test
  void rejectsArraysThatAreNotImages() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x = m.zeros(new Shape(3, 4, 5));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ChannelsLast.of(x));
      assertEquals("shape is (3, 4, 5); expected (B, C, H, W)", e.getMessage());
    }
  }

  /** Adds 1 to every element of {@code view} and checks that {@code base} changed with it. */
  private static void assertWritesThrough(NDArray base, NDArray view) {
    float[] before = base.toFloatArray();
    view.addi(1f);
    float[] after = base.toFloatArray();
    for (int i = 0; i < before.length; i++) {
      assertEquals(before[i] + 1f, after[i], 1e-6f, "element " + i + " of the base array");
    }
  }
}
