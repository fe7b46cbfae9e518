package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Weights written by one model and read into another give the same logits; wrong shapes fail. */
class PriorWeightsTest {

  @Test
  void weightsRoundTripThroughAStream() throws Exception {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior trained = TinyPriors.model(config, manager, 1);
      TransformerPrior fresh = TinyPriors.model(config, manager, 2);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      PriorWeights.write(trained, bytes);
      PriorWeights.read(fresh, new ByteArrayInputStream(bytes.toByteArray()));
      Random random = new Random(3);
      NDArray text = TinyPriors.text(manager, 2, random);
      NDArray image = TinyPriors.image(manager, 2, random);
      assertArrayEquals(
          trained.forward(text, image, false).image().toFloatArray(),
          fresh.forward(text, image, false).image().toFloatArray());

      TransformerConfig wider =
          new TransformerConfig(
              5, 32, 2, 6, 11, 4, 7, 3, 1f / 8, 7f / 8, 0f, AttentionSchedule.SPARSE);
      TransformerPrior other = TinyPriors.model(wider, manager, 4);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> PriorWeights.read(other, new ByteArrayInputStream(bytes.toByteArray())));
      assertTrue(e.getMessage().contains("expected float32(32"), e.getMessage());
    }
  }
}
