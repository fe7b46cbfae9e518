package org.dalle.evaluation.indomain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneLabelsTest {
  private final SceneLabels labels = SceneLabels.synthetic();

  @Test
  void syntheticSchemeHasFiveHeadsAndFortyEightScoreClasses() {
    assertEquals(
        List.of("colour", "shape", "size", "position", "count"),
        labels.heads().stream().map(LabelHead::name).toList());
    assertEquals(8 + 6 + 2 + 9 + 4, labels.classes());
    assertEquals(
        List.of(0, 8, 14, 16, 25), List.of(0, 1, 2, 3, 4).stream().map(labels::offset).toList());
    assertEquals(48, labels.scoreClasses());
    List<String> names = labels.scoreLabels();
    assertEquals("red circle", names.get(0));
    assertEquals("red square", names.get(1));
    assertEquals("orange circle", names.get(6));
    assertEquals("white cross", names.get(47));
  }

  @Test
  void singleObjectTargetsAreOneHot() {
    Map<String, String> a =
        object(Map.of("kind", "single", "count", "1"), 0, "blue", "star", "small", "top left");
    float[] t = labels.targets(a, "r1");
    float[] expected = new float[29];
    expected[4] = 1; // blue
    expected[8 + 4] = 1; // star
    expected[14] = 1; // small
    expected[16] = 1; // top left
    expected[25] = 1; // count 1
    assertArrayEquals(expected, t);
    assertEquals(Set.of(4 * 6 + 4), labels.scoreTargets(a, "r1"));
  }

  @Test
  void relationSceneSplitsEachHeadOverItsObjects() {
    Map<String, String> a = new HashMap<>(Map.of("kind", "relation", "count", "2"));
    a = object(a, 0, "red", "circle", "large", "left");
    a = object(a, 1, "red", "square", "small", "right");
    float[] t = labels.targets(a, "r2");
    assertEquals(1f, t[0]); // both red
    assertEquals(0.5f, t[8]); // circle
    assertEquals(0.5f, t[9]); // square
    assertEquals(0.5f, t[14] + 0f);
    assertEquals(0.5f, t[15]);
    assertEquals(0.5f, t[16 + 3]); // left
    assertEquals(0.5f, t[16 + 5]); // right
    assertEquals(1f, t[25 + 1]); // count 2
    // Each head's part is a distribution.
    for (int h = 0; h < labels.heads().size(); h++) {
      float sum = 0;
      for (int i = 0; i < labels.heads().get(h).size(); i++) {
        sum += t[labels.offset(h) + i];
      }
      assertEquals(1f, sum, 1e-6f, labels.heads().get(h).name());
    }
    assertEquals(Set.of(0, 1), labels.scoreTargets(a, "r2"));
  }

  @Test
  void renderedScenesOfEveryKindHaveTargets() {
    for (RenderedScenes.Example e :
        RenderedScenes.train(3, 0, 30, 32, org.dalle.pipelines.synthetic.SceneMix.DEFAULT)) {
      float[] t = labels.targets(e.attributes(), e.id());
      float total = 0;
      for (float v : t) {
        total += v;
      }
      assertEquals(5f, total, 1e-5f, e.id());
    }
  }

  @Test
  void missingAttributesSayTheEvaluatorNeedsTheSyntheticData() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> labels.targets(Map.of(), "abc"));
    assertTrue(e.getMessage().contains("record abc has no attribute 'count'"), e.getMessage());
    assertTrue(
        e.getMessage().contains("synthetic dataset's ground-truth attributes"), e.getMessage());
    IllegalArgumentException colour =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                labels.targets(
                    object(Map.of("count", "1"), 0, "teal", "star", "small", "top"), "x"));
    assertTrue(colour.getMessage().contains("colour 'teal'"), colour.getMessage());
  }

  @Test
  void scoreLogitsAreTheSumOfTheScoreHeadsLogSoftmax() {
    double[] logits = new double[labels.classes()];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = Math.sin(i * 1.7) * 3;
    }
    double[] joint = labels.scoreLogits(logits, 1);
    assertEquals(48, joint.length);
    double colourLog = logSumExp(logits, 0, 8);
    double shapeLog = logSumExp(logits, 8, 6);
    for (int c = 0; c < 8; c++) {
      for (int s = 0; s < 6; s++) {
        assertEquals(logits[c] - colourLog + logits[8 + s] - shapeLog, joint[c * 6 + s], 1e-12);
      }
    }
    double total = 0;
    for (double v : joint) {
      total += Math.exp(v);
    }
    assertEquals(1.0, total, 1e-12);
  }

  @Test
  void badSchemesAreRejected() {
    List<LabelHead> heads = labels.heads();
    assertThrows(IllegalArgumentException.class, () -> new SceneLabels(heads, List.of("hue")));
    assertThrows(IllegalArgumentException.class, () -> new SceneLabels(heads, List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SceneLabels(List.of(heads.get(0), heads.get(0)), List.of("colour")));
    assertThrows(IllegalArgumentException.class, () -> new LabelHead("x", List.of("a")));
    assertThrows(IllegalArgumentException.class, () -> new LabelHead("x", List.of("a", "a")));
  }

  private static double logSumExp(double[] x, int from, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += Math.exp(x[from + i]);
    }
    return Math.log(sum);
  }

  private static Map<String, String> object(
      Map<String, String> base, int i, String colour, String shape, String size, String position) {
    Map<String, String> a = new HashMap<>(base);
    a.put("object." + i + ".colour", colour);
    a.put("object." + i + ".shape", shape);
    a.put("object." + i + ".size", size);
    a.put("object." + i + ".position", position);
    return a;
  }
}
