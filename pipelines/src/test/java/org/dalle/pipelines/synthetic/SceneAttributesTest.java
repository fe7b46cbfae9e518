package org.dalle.pipelines.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneAttributesTest {
  private static final Set<ColourShape> HELD_OUT =
      SyntheticVocabulary.resolveHeldOutPairs(List.of());

  @Test
  void encodesARelationSceneWithTheDocumentedKeys() {
    Scene scene =
        new Scene(
            Scene.Kind.RELATION,
            SyntheticSplit.HELDOUT,
            List.of(
                new SceneObject(Colour.BLUE, Shape.STAR, Size.SMALL, GridPosition.TOP, 0.5, 0.2),
                new SceneObject(
                    Colour.PINK, Shape.CIRCLE, Size.LARGE, GridPosition.BOTTOM, 0.5, 0.8333333)),
            Optional.of(Relation.ABOVE));
    CaptionWriter.Caption caption = new CaptionWriter().write(scene, 0);
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("kind", "relation");
    expected.put("split", "heldout");
    expected.put("count", "2");
    expected.put("object.0.colour", "blue");
    expected.put("object.0.shape", "star");
    expected.put("object.0.size", "small");
    expected.put("object.0.position", "top");
    expected.put("object.0.x", "0.5000");
    expected.put("object.0.y", "0.2000");
    expected.put("object.0.heldout", "true");
    expected.put("object.1.colour", "pink");
    expected.put("object.1.shape", "circle");
    expected.put("object.1.size", "large");
    expected.put("object.1.position", "bottom");
    expected.put("object.1.x", "0.5000");
    expected.put("object.1.y", "0.8333");
    expected.put("object.1.heldout", "false");
    expected.put("relation", "above");
    expected.put("template", "relation.0");
    expected.put("mentions", "colour,shape,relation");
    expected.put("seed", "3");
    expected.put("index", "12");
    assertEquals(expected, SceneAttributes.encode(scene, caption, HELD_OUT, 3, 12));
    assertEquals("a blue star above a pink circle", caption.text());
  }

  @Test
  void decodingGivesBackTheSampledScene() {
    for (SyntheticSplit split : SyntheticSplit.values()) {
      SceneSampler sampler = new SceneSampler(9, split, SceneMix.DEFAULT, HELD_OUT);
      for (int i = 0; i < 300; i++) {
        Scene scene = sampler.sample(i);
        Map<String, String> attributes =
            SceneAttributes.encode(
                scene, new CaptionWriter().write(scene, sampler.phrasing(i)), HELD_OUT, 9, i);
        Scene decoded = SceneAttributes.decode(attributes);
        assertEquals(scene.kind(), decoded.kind());
        assertEquals(scene.split(), decoded.split());
        assertEquals(scene.relation(), decoded.relation());
        assertEquals(scene.objects().size(), decoded.objects().size());
        for (int k = 0; k < scene.objects().size(); k++) {
          SceneObject a = scene.objects().get(k);
          SceneObject b = decoded.objects().get(k);
          assertEquals(
              List.of(a.colour(), a.shape(), a.size(), a.cell()),
              List.of(b.colour(), b.shape(), b.size(), b.cell()));
          assertEquals(a.x(), b.x(), 5e-5);
          assertEquals(a.y(), b.y(), 5e-5);
        }
      }
    }
  }

  @Test
  void decodeNamesAMissingOrBadKey() {
    SceneSampler sampler = new SceneSampler(9, SyntheticSplit.TRAIN, SceneMix.DEFAULT, HELD_OUT);
    Scene scene = sampler.sample(0);
    Map<String, String> attributes =
        new HashMap<>(
            SceneAttributes.encode(scene, new CaptionWriter().write(scene, 0), HELD_OUT, 9, 0));
    attributes.remove("object.0.shape");
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> SceneAttributes.decode(attributes));
    assertTrue(missing.getMessage().contains("'object.0.shape'"), missing.getMessage());
    attributes.put("object.0.shape", "hexagon");
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> SceneAttributes.decode(attributes));
    assertTrue(bad.getMessage().contains("'hexagon'"), bad.getMessage());
  }
}
