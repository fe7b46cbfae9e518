package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.List;
import java.util.Random;
import org.dalle.models.transformer.AttentionMasks.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Changing a token never changes the logits of any earlier position: under the sparse schedule
 * (row, column and convolutional layers) and the dense one (causal layers), so every mask kind is
 * exercised inside a whole model.
 */
class TransformerCausalityTest {

  @ParameterizedTest
  @EnumSource(AttentionSchedule.class)
  void futureTokensNeverChangeEarlierLogits(AttentionSchedule schedule) {
    System.setProperty("ai.djl.offline", "true");
    TransformerConfig config = TinyPriors.config(schedule, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 3);
      if (schedule == AttentionSchedule.SPARSE) {
        assertEquals(
            List.of(Kind.ROW, Kind.COLUMN, Kind.ROW, Kind.ROW, Kind.CONVOLUTIONAL),
            model.layerKinds());
      }
      Random random = new Random(11);
      NDArray text = TinyPriors.text(manager, 2, random);
      NDArray image = TinyPriors.image(manager, 2, random);
      PriorLogits original = model.forward(text, image, false);
      int inputs = config.sequenceLength() - 1; // the last image token is never an input
      for (int changed = 1; changed < inputs; changed++) {
        try (NDManager scope = manager.newSubManager()) {
          NDArray newText = text.duplicate();
          NDArray newImage = image.duplicate();
          newText.attach(scope);
          newImage.attach(scope);
          if (changed < config.textLength()) {
            long old = text.getLong(0, changed);
            newText.set(new NDIndex(":, {}", changed), (old + 1) % config.textEmbeddingRows());
          } else {
            int index = changed - config.textLength();
            long old = image.getLong(0, index);
            newImage.set(new NDIndex(":, {}", index), (old + 1) % config.imageVocabSize());
          }
          PriorLogits altered = model.forward(newText, newImage, false);
          for (int q = 0; q < inputs; q++) {
            float difference =
                TinyPriors.logitsAt(altered, q)
                    .sub(TinyPriors.logitsAt(original, q))
                    .abs()
                    .max()
                    .getFloat();
            if (q < changed) {
              assertEquals(
                  0f,
                  difference,
                  1e-6f,
                  schedule + ": token " + changed + " changed the logits of position " + q);
            } else if (q == changed) {
              assertTrue(difference > 1e-4f, "position " + q + " ignores its own token");
            }
          }
        }
      }
    }
  }
}
