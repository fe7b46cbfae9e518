package org.dalle.evaluation.indomain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeadAccuracyTest {
  private final SceneLabels labels =
      new SceneLabels(
          List.of(
              new LabelHead("colour", List.of("red", "blue")),
              new LabelHead("shape", List.of("circle", "square", "star"))),
          List.of("colour", "shape"));

  @Test
  void countsTopPredictionsThatTheSceneHas() {
    HeadAccuracy accuracy = new HeadAccuracy(labels);
    // A red circle and a blue square; the network says blue (right) and circle (right), but the
    // joint "blue circle" is not in the scene.
    Map<String, String> a =
        Map.of(
            "count", "2",
            "object.0.colour", "red",
            "object.0.shape", "circle",
            "object.1.colour", "blue",
            "object.1.shape", "square");
    double[] logits = {0, 1, 2, 1, 0, /* second row: */ 3, 0, 0, 0, 5};
    accuracy.add(logits, 0, labels.targets(a, "a"), labels.scoreTargets(a, "a"));
    // A single red star predicted red star.
    Map<String, String> b =
        Map.of("count", "1", "object.0.colour", "red", "object.0.shape", "star");
    accuracy.add(logits, 1, labels.targets(b, "b"), labels.scoreTargets(b, "b"));
    assertEquals(Map.of("colour", 1.0, "shape", 1.0, "colour_shape", 0.5), accuracy.accuracies());
    assertEquals(2, accuracy.count());
    assertEquals(Set.of(0, 4), labels.scoreTargets(a, "a"));
  }

  @Test
  void noImagesIsAnError() {
    assertThrows(IllegalStateException.class, () -> new HeadAccuracy(labels).accuracies());
  }
}
