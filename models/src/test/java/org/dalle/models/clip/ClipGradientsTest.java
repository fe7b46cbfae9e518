package org.dalle.models.clip;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.dalle.models.nn.GcBeforeBackward;
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

      GcBeforeBackward.assertGradientsSurvive(
          model, images, ids, (i, t) -> model.loss(i, t).total());
    }
  }
}
