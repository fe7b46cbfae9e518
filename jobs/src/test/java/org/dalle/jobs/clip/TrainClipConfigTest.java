package org.dalle.jobs.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.models.clip.ClipConfig;
import org.junit.jupiter.api.Test;

class TrainClipConfigTest {

  private static TrainClipConfig load(String resource, Map<String, Object> overrides) {
    return ConfigLoader.loadResource(
            TrainClipConfig.class, TrainClipConfig.defaults(), resource, overrides)
        .validate();
  }

  private static final Map<String, Object> PATHS = Map.of("data", "d", "out", "o");

  @Test
  void paperConfigHoldsClipsHyperParameters() {
    TrainClipConfig paper = load("configs/clip/paper.yaml", PATHS);
    assertEquals(ClipConfig.paper().withTextVocabSize(0), paper.model());
    assertEquals(5e-4, paper.learningRate());
    assertEquals(0.98, paper.optimizer().adamBeta2());
    assertEquals(1e-6, paper.optimizer().adamEpsilon());
    assertEquals(0.2, paper.optimizer().weightDecay());
    assertEquals(2000, paper.warmupSteps());
    assertEquals(32768, paper.training().batchSize());
    assertEquals(
        ClipConfig.paper(), paper.withTokenizerVocabulary(16384, "tokenizer.json").model());
  }

  @Test
  void tinyConfigIsTheTinyModelAndTakesOverrides() {
    TrainClipConfig tiny =
        load("configs/clip/tiny.yaml", Map.of("data", "d", "out", "o", "steps", 70, "seed", 3));
    assertEquals(ClipConfig.tiny(), tiny.withTokenizerVocabulary(512, "t").model());
    assertEquals(70, tiny.training().steps());
    assertEquals(3, tiny.training().seed());
    assertEquals(256, tiny.validationImages());
    // the synthetic vocabulary's words, swapped within their groups for hard negatives
    assertTrue(tiny.negativeSwaps().contains(java.util.List.of("small", "large")));
    assertTrue(load("configs/clip/paper.yaml", PATHS).negativeSwaps().isEmpty(), "plain CLIP");
  }

  @Test
  void aMalformedSwapGroupIsNamed() {
    IllegalArgumentException single =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                load(
                    "configs/clip/tiny.yaml",
                    Map.of(
                        "data",
                        "d",
                        "out",
                        "o",
                        "negative_swaps",
                        java.util.List.of(
                            java.util.List.of("red", "blue"), java.util.List.of("small")))));
    assertEquals(
        "negative_swaps group 1 is [small]; expected at least two words to swap between",
        single.getMessage());
  }

  @Test
  void badValuesAreRejectedByName() {
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> load("configs/clip/tiny.yaml", Map.of()));
    assertTrue(missing.getMessage().startsWith("data is not set"), missing.getMessage());
    IllegalArgumentException batch =
        assertThrows(
            IllegalArgumentException.class,
            () -> load("configs/clip/tiny.yaml", Map.of("data", "d", "out", "o", "batch_size", 1)));
    assertEquals("batch_size is 1; expected at least 2", batch.getMessage());
    IllegalArgumentException warmup =
        assertThrows(
            IllegalArgumentException.class,
            () -> load("configs/clip/tiny.yaml", Map.of("data", "d", "out", "o", "steps", 50)));
    assertEquals("warmup_steps is 50; expected fewer than steps (50)", warmup.getMessage());
    IllegalArgumentException vocabulary =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                load("configs/clip/paper.yaml", PATHS)
                    .withTokenizerVocabulary(12, "runs/x/data/tokenizer.json")
                    .withTokenizerVocabulary(13, "other.json"));
    assertTrue(vocabulary.getMessage().startsWith("model.text_vocab_size is 12"));
  }
}
