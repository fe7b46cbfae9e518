package org.dalle.models.transformer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.dalle.models.nn.GcBeforeBackward;
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

      GcBeforeBackward.assertGradientsSurvive(
          model, text, image, (t, i) -> model.loss(t, i).total());
    }
  }
}
