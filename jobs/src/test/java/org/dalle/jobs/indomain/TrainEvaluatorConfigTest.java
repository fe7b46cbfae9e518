package org.dalle.jobs.indomain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dalle.evaluation.indomain.EvaluatorConfig;
import org.dalle.jobs.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class TrainEvaluatorConfigTest {

  private static TrainEvaluatorConfig load(Map<String, Object> overrides) {
    return ConfigLoader.loadResource(
            TrainEvaluatorConfig.class,
            TrainEvaluatorConfig.defaults(),
            "configs/evaluator/tiny.yaml",
            overrides)
        .validate();
  }

  @Test
  void tinyConfigIsTheTinyNetworkAndTakesOverrides() {
    TrainEvaluatorConfig tiny = load(Map.of("data", "d", "out", "o", "steps", 9, "seed", 4));
    assertEquals(EvaluatorConfig.tiny(), tiny.model());
    assertEquals(9, tiny.training().steps());
    assertEquals(4, tiny.training().seed());
    assertEquals(0.1, tiny.validationFraction());
    assertEquals(64, tiny.training().batchSize());
  }

  @Test
  void badValuesAreNamed() {
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> load(Map.of()));
    assertTrue(missing.getMessage().contains("data is not set"), missing.getMessage());
    IllegalArgumentException fraction =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(Map.of("data", "d", "out", "o", "validation_fraction", 1.0)));
    assertTrue(fraction.getMessage().contains("validation_fraction is 1.0"), fraction.getMessage());
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(Map.of("data", "d", "out", "o", "model.image_size", 20)));
    assertTrue(size.getMessage().contains("image_size is 20"), size.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> load(Map.of("data", "d", "out", "o", "stepz", 1)));
  }
}
