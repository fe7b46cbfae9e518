package org.dalle.jobs.dvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.models.dvae.DvaeConfig;
import org.junit.jupiter.api.Test;

class TrainDvaeConfigTest {

  private static TrainDvaeConfig load(String resource, Map<String, Object> overrides) {
    return ConfigLoader.loadResource(
            TrainDvaeConfig.class, TrainDvaeConfig.defaults(), resource, overrides)
        .validate();
  }

  private static final Map<String, Object> PATHS = Map.of("data", "d", "out", "o");

  @Test
  void paperConfigHoldsThePapersHyperParameters() {
    TrainDvaeConfig paper = load("configs/dvae/paper.yaml", PATHS);
    assertEquals(DvaeConfig.paper(), paper.model());
    assertEquals(32, paper.model().gridSize());
    assertEquals(1e-4, paper.learningRate());
    assertEquals(1.25e-6, paper.finalLearningRate());
    assertEquals(0.9, paper.optimizer().adamBeta1());
    assertEquals(0.999, paper.optimizer().adamBeta2());
    assertEquals(1e-8, paper.optimizer().adamEpsilon());
    assertEquals(1e-4, paper.optimizer().weightDecay());
    assertEquals(1.0, paper.tauStart());
    assertEquals(1.0 / 16, paper.tauEnd());
    assertEquals(6.6, paper.klWeight());
    assertEquals(5000, paper.klWeightSteps());
    assertEquals(0.999, paper.emaDecay());
  }

  @Test
  void tinyConfigIsTheTinyModelAndTakesOverrides() {
    TrainDvaeConfig tiny =
        load("configs/dvae/tiny.yaml", Map.of("data", "d", "out", "o", "steps", 7, "seed", 3));
    assertEquals(DvaeConfig.tiny(), tiny.model());
    assertEquals(7, tiny.training().steps());
    assertEquals(3, tiny.training().seed());
    assertEquals(6.6, tiny.klWeight());
    assertEquals(1.0 / 16, tiny.tauEnd());
  }

  @Test
  void reconstructionCheckChecks256ImagesUnlessTurnedOff() {
    assertEquals(256, TrainDvaeConfig.defaults().reconstructionCheckImages());
    assertEquals(
        0,
        load(
                "configs/dvae/tiny.yaml",
                Map.of("data", "d", "out", "o", "reconstruction_check_images", 0))
            .reconstructionCheckImages());
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                load(
                    "configs/dvae/tiny.yaml",
                    Map.of("data", "d", "out", "o", "reconstruction_check_images", -1)));
    assertEquals("reconstruction_check_images is -1; expected at least 0", negative.getMessage());
  }

  @Test
  void badValuesAreRejectedByName() {
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> load("configs/dvae/tiny.yaml", Map.of()));
    assertTrue(missing.getMessage().startsWith("data is not set"), missing.getMessage());
    IllegalArgumentException batch =
        assertThrows(
            IllegalArgumentException.class,
            () -> load("configs/dvae/tiny.yaml", Map.of("data", "d", "out", "o", "batch_size", 0)));
    assertTrue(batch.getMessage().startsWith("batch_size is 0"), batch.getMessage());
    IllegalArgumentException typo =
        assertThrows(
            IllegalArgumentException.class,
            () -> load("configs/dvae/tiny.yaml", Map.of("data", "d", "out", "o", "stepz", 1)));
    assertTrue(typo.getMessage().contains("stepz"), typo.getMessage());
  }
}
