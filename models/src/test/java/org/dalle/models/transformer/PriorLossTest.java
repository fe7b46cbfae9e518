package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The loss: per-kind mean cross-entropies, weighted 1/8 and 7/8, on values worked out by hand. */
class PriorLossTest {

  private static final double LN3 = Math.log(3);

  @Test
  void weightsThePerKindMeansOnHandValues() {
    try (NDManager manager = NDManager.newBaseManager()) {
      // Text: uniform over 3 ids at two positions -> ln 3 each.
      NDArray textLogits = manager.zeros(new Shape(1, 2, 3));
      NDArray textTargets = manager.create(new long[][] {{2, 0}});
      // Image: logits (0, ln 3) -> p = (1/4, 3/4); targets 1 and 0 -> ln(4/3) and ln 4.
      float ln3 = (float) LN3;
      NDArray imageLogits =
          manager.create(new float[] {0, ln3, 0, ln3, 0, ln3}, new Shape(1, 3, 2));
      NDArray imageTargets = manager.create(new long[][] {{1, 0, 1}});
      double text = LN3;
      double image = (2 * Math.log(4.0 / 3) + Math.log(4)) / 3;
      PriorLogits logits = new PriorLogits(textLogits, imageLogits);

      PriorLoss paper = PriorLoss.of(logits, textTargets, imageTargets, 1f / 8, 7f / 8);
      assertEquals(text, paper.text().getFloat(), 1e-6);
      assertEquals(image, paper.image().getFloat(), 1e-6);
      assertEquals(text / 8 + 7 * image / 8, paper.total().getFloat(), 1e-6);

      PriorLoss textOnly = PriorLoss.of(logits, textTargets, imageTargets, 1f, 0f);
      assertEquals(text, textOnly.total().getFloat(), 1e-6);
      PriorLoss imageOnly = PriorLoss.of(logits, textTargets, imageTargets, 0f, 1f);
      assertEquals(image, imageOnly.total().getFloat(), 1e-6);
    }
  }

  @Test
  void modelLossIsTheWeightedCrossEntropyOfItsLogits() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 9);
      Random random = new Random(9);
      NDArray text = TinyPriors.text(manager, 4, random);
      NDArray image = TinyPriors.image(manager, 4, random);
      PriorLoss loss = model.loss(text, image, false, null);
      PriorLogits logits = model.forward(text, image, false);
      float textLoss = PriorLoss.crossEntropy(logits.text(), text.get(":, 1:")).getFloat();
      float imageLoss = PriorLoss.crossEntropy(logits.image(), image).getFloat();
      assertEquals(textLoss, loss.text().getFloat(), 1e-6f);
      assertEquals(imageLoss, loss.image().getFloat(), 1e-6f);
      assertEquals(textLoss / 8 + 7 * imageLoss / 8, loss.total().getFloat(), 1e-6f);
      // At initialisation the predictions are near uniform: about ln V nats per token.
      assertEquals(Math.log(config.textEmbeddingRows()), textLoss, 0.1);
      assertEquals(Math.log(config.imageVocabSize()), imageLoss, 0.1);
    }
  }

  @Test
  void mismatchedShapesAreRejected() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray logits = manager.zeros(new Shape(1, 2, 3));
      NDArray targets = manager.create(new long[][] {{0, 1, 2}});
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> PriorLoss.crossEntropy(logits, targets));
      assertEquals(
          "logits are (1, 2, 3) and targets (1, 3); expected (B, T, V) and (B, T)", e.getMessage());
    }
  }
}
