package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Image sampling with the cached decoder: batched, seeded, and keeping a known image prefix. */
class PriorSamplerTest {

  @Test
  void samplesAreReproducibleAndEachRowIndependentOfTheBatch() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 4);
      NDArray text = TinyPriors.text(manager, 3, new Random(4));
      SamplingOptions options = SamplingOptions.paper();
      NDArray first = PriorSampler.sampleImages(model, text, null, options, 99);
      NDArray again = PriorSampler.sampleImages(model, text, null, options, 99);
      assertArrayEquals(new long[] {3, 16}, first.getShape().getShape());
      assertArrayEquals(first.toLongArray(), again.toLongArray());
      long[] codes = first.toLongArray();
      assertTrue(Arrays.stream(codes).allMatch(c -> c >= 0 && c < config.imageVocabSize()));
      NDArray alone = PriorSampler.sampleImages(model, text.get("0:1"), null, options, 99);
      assertArrayEquals(Arrays.copyOf(codes, 16), alone.toLongArray());
    }
  }

  @Test
  void rowSeedsMakeEachRowTheSameInAnyBatch() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 7);
      NDArray text = TinyPriors.text(manager, 3, new Random(7));
      SamplingOptions options = SamplingOptions.paper();
      long[] seeds = {11, 12, 13};
      long[] batch = PriorSampler.sampleImages(model, text, null, options, seeds).toLongArray();
      for (int row = 0; row < 3; row++) {
        NDArray alone =
            PriorSampler.sampleImages(
                model, text.get("{}:{}", row, row + 1), null, options, new long[] {seeds[row]});
        assertArrayEquals(
            Arrays.copyOfRange(batch, row * 16, (row + 1) * 16), alone.toLongArray(), "row " + row);
      }
      // Rows 1 and 2 swapped with their seeds: each row's draws follow its seed, not its position.
      NDArray swapped = text.get(new NDIndex("{}", manager.create(new long[] {0, 2, 1})));
      long[] reordered =
          PriorSampler.sampleImages(model, swapped, null, options, new long[] {11, 13, 12})
              .toLongArray();
      assertArrayEquals(
          Arrays.copyOfRange(batch, 32, 48), Arrays.copyOfRange(reordered, 16, 32), "row 2");
      long[] other =
          PriorSampler.sampleImages(model, text, null, options, new long[] {11, 12, 14})
              .toLongArray();
      assertArrayEquals(Arrays.copyOf(batch, 32), Arrays.copyOf(other, 32));
      assertFalse(
          Arrays.equals(Arrays.copyOfRange(batch, 32, 48), Arrays.copyOfRange(other, 32, 48)),
          "another seed draws another image");
      assertThrows(
          IllegalArgumentException.class,
          () -> PriorSampler.sampleImages(model, text, null, options, new long[] {1, 2}));
    }
  }

  @Test
  void cachedSamplingDrawsWhatFullRecomputationDraws() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 3);
      NDArray text = TinyPriors.text(manager, 2, new Random(3));
      SamplingOptions options = new SamplingOptions(0.9f, 5, 0.95f);
      NDArray cached = PriorSampler.sampleImages(model, text, null, options, 17);
      TokenSampler sampler = new TokenSampler(options, 2, 17);
      NDArray sequence = text;
      for (int i = 0; i < config.imageLength(); i++) {
        NDArray token = sampler.sample(model.nextTokenLogits(sequence)).reshape(2, 1);
        sequence = sequence.concat(token, 1);
      }
      assertArrayEquals(
          sequence.get(":, {}:", config.textLength()).toLongArray(), cached.toLongArray());
    }
  }

  @Test
  void greedySamplingFollowsTheFullPassArgmax() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 5);
      NDArray text = TinyPriors.text(manager, 2, new Random(5));
      NDArray image =
          PriorSampler.sampleImages(model, text, null, new SamplingOptions(0f, 0, 1f), 1);
      // Every greedy token is the argmax of the full pass over the text and the tokens before it.
      PriorLogits logits = model.forward(text, image, false);
      assertArrayEquals(image.toLongArray(), logits.image().argMax(-1).toLongArray());
    }
  }

  @Test
  void knownImageTokensAreKeptAndTheRestSampled() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 6);
      Random random = new Random(6);
      NDArray text = TinyPriors.text(manager, 2, random);
      NDArray known = TinyPriors.image(manager, 2, random).get(":, :8"); // the top two rows
      NDArray image = PriorSampler.sampleImages(model, text, known, SamplingOptions.paper(), 3);
      assertArrayEquals(known.toLongArray(), image.get(":, :8").toLongArray());
      assertEquals(16, image.getShape().get(1));
      NDArray whole = TinyPriors.image(manager, 2, random);
      assertThrows(
          IllegalArgumentException.class,
          () -> PriorSampler.sampleImages(model, text, whole, SamplingOptions.paper(), 3));
    }
  }
}
