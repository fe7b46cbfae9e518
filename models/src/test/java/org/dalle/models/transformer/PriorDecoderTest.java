package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The cached decoder gives the logits of a full forward pass at every position. */
class PriorDecoderTest {

  private static final float TOLERANCE = 1e-5f;

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of(AttentionSchedule.SPARSE, 3),
        Arguments.of(AttentionSchedule.SPARSE, 5),
        Arguments.of(AttentionSchedule.DENSE, 3));
  }

  @ParameterizedTest
  @MethodSource("configs")
  void tokenByTokenDecodingMatchesTheFullPass(AttentionSchedule schedule, int kernel) {
    TransformerConfig config = TinyPriors.config(schedule, kernel);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 5);
      Random random = new Random(kernel);
      NDArray text = TinyPriors.text(manager, 3, random);
      NDArray image = TinyPriors.image(manager, 3, random);
      PriorLogits full = model.forward(text, image, false);
      NDArray sequence = text.concat(image, 1); // (B, T)
      try (PriorDecoder decoder = model.newDecoder(3, manager)) {
        assertEquals(config.sequenceLength() - 1, decoder.capacity());
        for (int q = 0; q < decoder.capacity(); q++) {
          NDArray logits = decoder.feed(sequence.get(":, {}:{}", q, q + 1));
          assertClose(TinyPriors.logitsAt(full, q), logits, schedule + " position " + q);
        }
        assertThrows(IllegalArgumentException.class, () -> decoder.feed(sequence.get(":, -1:")));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("configs")
  void chunkedDecodingMatchesTheFullPass(AttentionSchedule schedule, int kernel) {
    TransformerConfig config = TinyPriors.config(schedule, kernel);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 6);
      Random random = new Random(kernel + 100);
      NDArray text = TinyPriors.text(manager, 2, random);
      NDArray image = TinyPriors.image(manager, 2, random);
      PriorLogits full = model.forward(text, image, false);
      NDArray sequence = text.concat(image, 1);
      // Chunks that cross the text/image boundary and rows of the grid, then single tokens.
      int[] chunks = {4, 5, 3, 6, 1, 1, 1};
      try (PriorDecoder decoder = model.newDecoder(2, manager)) {
        for (int chunk : chunks) {
          int start = decoder.position();
          NDArray logits = decoder.feed(sequence.get(":, {}:{}", start, start + chunk));
          int last = start + chunk - 1;
          assertClose(TinyPriors.logitsAt(full, last), logits, schedule + " position " + last);
        }
        assertEquals(21, decoder.position());
      }
    }
  }

  @Test
  void prefixForwardMatchesTheFullPass() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 7);
      Random random = new Random(7);
      NDArray text = TinyPriors.text(manager, 2, random);
      NDArray image = TinyPriors.image(manager, 2, random);
      PriorLogits full = model.forward(text, image, false);
      NDArray sequence = text.concat(image, 1);
      for (int t = 1; t < config.sequenceLength(); t++) {
        NDArray logits = model.nextTokenLogits(sequence.get(":, :{}", t));
        assertClose(TinyPriors.logitsAt(full, t - 1), logits, "prefix of " + t);
      }
    }
  }

  @Test
  void decoderRejectsTokensOutOfRangeForTheirPosition() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      TransformerPrior model = TinyPriors.model(config, manager, 8);
      try (PriorDecoder decoder = model.newDecoder(1, manager)) {
        decoder.feed(manager.create(new long[][] {{0, 1, 2, 3, 4, 5 + 11}}));
        // Position 6 is the first image position: code 7 is outside the 7-code book.
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> decoder.feed(manager.create(new long[][] {{7}})));
        assertTrue(e.getMessage().contains("image codes"), e.getMessage());
        assertEquals(6, decoder.position());
      }
    }
  }

  private static void assertClose(NDArray expected, NDArray actual, String message) {
    assertArrayEquals(
        expected.getShape().getShape(), actual.getShape().getShape(), message + ": shape");
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], TOLERANCE, message + ", entry " + i);
    }
  }
}
