package org.dalle.models.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Gradients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClipModelTest {

  private static Engine engine;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    System.setProperty("ai.djl.offline", "true");
    engine = Engine.getEngine("PyTorch");
    manager = engine.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void embeddingsAreUnitVectorsOfTheSharedWidth() {
    try (NDManager m = manager.newSubManager()) {
      ClipModel model = model(m, 1);
      ClipConfig config = model.config();
      NDArray images = ClipTestData.images(m, 16);
      NDArray ids = ClipTestData.ids(m, ClipTestData.CAPTIONS, config);
      NDArray imageEmbeddings = model.imageEmbeddings(images);
      NDArray textEmbeddings = model.textEmbeddings(ids);
      assertEquals(new Shape(4, 8), imageEmbeddings.getShape());
      assertEquals(new Shape(4, 8), textEmbeddings.getShape());
      for (NDArray e : List.of(imageEmbeddings, textEmbeddings)) {
        float[] norms = e.square().sum(new int[] {1}).sqrt().toFloatArray();
        assertArrayEquals(new float[] {1, 1, 1, 1}, norms, 1e-5f);
      }
      ClipLoss loss = model.loss(images, ids);
      assertEquals(new Shape(4, 4), loss.logits().getShape());
      assertEquals(new Shape(), loss.total().getShape());
      assertEquals(new Shape(1), model.logitScale(m).getShape());
    }
  }

  @Test
  void logitScaleStartsAtOneOverPointZeroSevenAndIsClampedAtOneHundred() {
    try (NDManager m = manager.newSubManager()) {
      ClipModel model = model(m, 2);
      assertEquals(1 / 0.07, model.logitScale(m).getFloat(0), 1e-4);
      assertEquals(0.07, model.temperature(), 1e-6);
      NDArray t = model.getParameters().get("logit_scale").getArray();
      t.set(new NDIndex(0), (float) Math.log(1000));
      assertEquals(100, model.logitScale(m).getFloat(0), 1e-3);
      assertEquals(0.01, model.temperature(), 1e-6);
    }
  }

  @Test
  void imagesOfAnotherSideAreResized() {
    try (NDManager m = manager.newSubManager()) {
      ClipModel model = model(m, 3);
      // A flat colour stays the same colour through bilinear resizing.
      NDArray small = m.full(new Shape(1, 3, 16, 16), 0.25f);
      NDArray large = m.full(new Shape(1, 3, 40, 40), 0.25f);
      assertArrayEquals(
          model.imageEmbeddings(small).toFloatArray(),
          model.imageEmbeddings(large).toFloatArray(),
          1e-5f);
      NDArray notSquare = m.zeros(new Shape(1, 3, 16, 12));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> model.imageEmbeddings(notSquare));
      assertEquals(
          "images have shape (1, 3, 16, 12); expected (N, 3, S, S) RGB in [0, 1]", e.getMessage());
    }
  }

  @Test
  void textOfTheWrongLengthIsRejected() {
    try (NDManager m = manager.newSubManager()) {
      ClipModel model = model(m, 4);
      NDArray ids = m.zeros(new Shape(2, 5)).toType(ai.djl.ndarray.types.DataType.INT64, false);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> model.textEmbeddings(ids));
      assertEquals("token ids have shape (2, 5); expected (B, 6)", e.getMessage());
    }
  }

  @Test
  void gradientsReachEveryParameter() {
    try (NDManager m = manager.newSubManager()) {
      ClipModel model = model(m, 5);
      NDArray images = ClipTestData.images(m, 16);
      NDArray ids = ClipTestData.ids(m, ClipTestData.CAPTIONS, model.config());
      try (GradientCollector collector = engine.newGradientCollector()) {
        collector.backward(model.loss(images, ids).total());
      }
      List<String> without = new ArrayList<>();
      for (Pair<String, Parameter> p : model.getParameters()) {
        try (NDArray gradient = p.getValue().getArray().getGradient()) {
          if (gradient.abs().max().getFloat() == 0f) {
            without.add(p.getKey());
          }
        }
      }
      assertEquals(List.of(), without, "parameters without a gradient");
      assertTrue(model.getParameters().size() > 20, "parameters: " + model.getParameters().size());
    }
  }

  @Test
  void aTinyModelLearnsATinyBatch() {
    try (NDManager m = manager.newSubManager();
        AdamW optimizer = AdamW.builder().optWeightDecay(0).build()) {
      ClipModel model = model(m, 6);
      NDArray images = ClipTestData.images(m, 16);
      NDArray ids = ClipTestData.ids(m, ClipTestData.CAPTIONS, model.config());
      float first = Float.NaN;
      float last = Float.NaN;
      for (int step = 0; step < 40; step++) {
        try (NDManager scope = m.newSubManager()) {
          images.tempAttach(scope);
          ids.tempAttach(scope);
          try (GradientCollector collector = engine.newGradientCollector()) {
            ClipLoss loss = model.loss(images, ids);
            collector.backward(loss.total());
            last = loss.total().getFloat();
          }
          if (step == 0) {
            first = last;
          }
          optimizer.update(model.getParameters(), 3e-3);
          Gradients.zeroGradients(model.getParameters());
        }
      }
      assertTrue(first > 1, "an untrained model is far from the answer: " + first);
      assertTrue(last < 0.2 * first, "loss went from " + first + " to " + last);
    }
  }

  private static ClipModel model(NDManager m, int seed) {
    engine.setRandomSeed(seed);
    ClipModel model = new ClipModel(ClipTestData.config());
    model.initializeParameters(m);
    return model;
  }
}
