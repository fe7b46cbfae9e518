package org.dalle.pipelines.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SceneSamplerTest {
  private static final Set<ColourShape> HELD_OUT =
      SyntheticVocabulary.resolveHeldOutPairs(List.of());
  private final CaptionWriter captions = new CaptionWriter();

  private static SceneSampler sampler(long seed, SyntheticSplit split) {
    return new SceneSampler(seed, split, SceneMix.DEFAULT, HELD_OUT);
  }

  @Test
  void sceneIsAPureFunctionOfSeedAndIndex() {
    SceneSampler a = sampler(42, SyntheticSplit.TRAIN);
    SceneSampler b = sampler(42, SyntheticSplit.TRAIN);
    for (long i : new long[] {0, 1, 17, 999, 1_000_000_007L}) {
      assertEquals(a.sample(i), b.sample(i), "scene " + i);
      assertEquals(a.phrasing(i), b.phrasing(i), "phrasing " + i);
    }
    // Order of generation does not matter: sampling 5 after 3 gives what sampling 5 first gave.
    Scene five = b.sample(5);
    a.sample(3);
    assertEquals(five, a.sample(5));
  }

  @Test
  void differentSeedsAndIndicesGiveDifferentScenes() {
    SceneSampler one = sampler(1, SyntheticSplit.TRAIN);
    SceneSampler two = sampler(2, SyntheticSplit.TRAIN);
    int same = 0;
    for (int i = 0; i < 100; i++) {
      if (one.sample(i).equals(two.sample(i))) {
        same++;
      }
    }
    assertEquals(0, same, "scenes shared by seeds 1 and 2");
    assertNotEquals(one.sample(0), one.sample(1));
  }

  @Test
  void trainSplitNeverShowsOrNamesAHeldOutPairButUsesEveryColourAndShape() {
    SceneSampler sampler = sampler(7, SyntheticSplit.TRAIN);
    Set<Colour> colours = EnumSet.noneOf(Colour.class);
    Set<Shape> shapes = EnumSet.noneOf(Shape.class);
    Map<Scene.Kind, Integer> kinds = new EnumMap<>(Scene.Kind.class);
    for (int i = 0; i < 5000; i++) {
      Scene scene = sampler.sample(i);
      assertEquals(SyntheticSplit.TRAIN, scene.split());
      kinds.merge(scene.kind(), 1, Integer::sum);
      for (SceneObject o : scene.objects()) {
        assertFalse(HELD_OUT.contains(o.pair()), "scene " + i + " renders " + o.pair());
        colours.add(o.colour());
        shapes.add(o.shape());
      }
      String caption = captions.write(scene, sampler.phrasing(i)).text();
      List<ColourShape> named = namedPairs(caption);
      assertFalse(named.isEmpty(), "caption names no colour-shape pair: " + caption);
      for (ColourShape pair : named) {
        assertFalse(HELD_OUT.contains(pair), "caption " + i + " names " + pair + ": " + caption);
      }
    }
    assertEquals(EnumSet.allOf(Colour.class), colours);
    assertEquals(EnumSet.allOf(Shape.class), shapes);
    // The default mix is 40/30/30; 5000 draws land well within 3% of it.
    assertEquals(2000, kinds.get(Scene.Kind.SINGLE), 150);
    assertEquals(1500, kinds.get(Scene.Kind.COUNT), 150);
    assertEquals(1500, kinds.get(Scene.Kind.RELATION), 150);
  }

  @Test
  void everyHeldOutSceneContainsAHeldOutPair() {
    SceneSampler sampler = sampler(7, SyntheticSplit.HELDOUT);
    Set<ColourShape> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      Scene scene = sampler.sample(i);
      List<ColourShape> heldOutObjects =
          scene.objects().stream().map(SceneObject::pair).filter(HELD_OUT::contains).toList();
      assertFalse(heldOutObjects.isEmpty(), "heldout scene " + i + " has none: " + scene);
      seen.addAll(heldOutObjects);
      String caption = captions.write(scene, sampler.phrasing(i)).text();
      assertTrue(
          namedPairs(caption).stream().anyMatch(HELD_OUT::contains),
          "caption names no held-out pair: " + caption);
    }
    assertEquals(HELD_OUT, seen);
  }

  @Test
  void mixWeightsSelectTheKinds() {
    SceneSampler onlyRelations =
        new SceneSampler(3, SyntheticSplit.TRAIN, new SceneMix(0, 0, 1), HELD_OUT);
    SceneSampler noRelations =
        new SceneSampler(3, SyntheticSplit.TRAIN, new SceneMix(1, 1, 0), HELD_OUT);
    for (int i = 0; i < 300; i++) {
      assertEquals(Scene.Kind.RELATION, onlyRelations.sample(i).kind());
      assertNotEquals(Scene.Kind.RELATION, noRelations.sample(i).kind());
    }
  }

  @Test
  void countScenesCoverOneToFour() {
    SceneSampler counts =
        new SceneSampler(5, SyntheticSplit.TRAIN, new SceneMix(0, 1, 0), HELD_OUT);
    Set<Integer> seen = new TreeSet<>();
    for (int i = 0; i < 200; i++) {
      seen.add(counts.sample(i).objects().size());
    }
    assertEquals(Set.of(1, 2, 3, 4), seen);
  }

  @Test
  void rejectsAHeldOutSplitWithNothingHeldOut() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new SceneSampler(0, SyntheticSplit.HELDOUT, SceneMix.DEFAULT, Set.of()));
  }

  /** The (colour, shape) pairs a caption names: a colour word directly followed by a shape word. */
  static List<ColourShape> namedPairs(String caption) {
    String[] words = caption.split("[^a-z]+");
    List<ColourShape> pairs = new ArrayList<>();
    for (int i = 0; i + 1 < words.length; i++) {
      for (Colour colour : Colour.values()) {
        for (Shape shape : Shape.values()) {
          if (words[i].equals(colour.word())
              && (words[i + 1].equals(shape.word()) || words[i + 1].equals(shape.plural()))) {
            pairs.add(new ColourShape(colour, shape));
          }
        }
      }
    }
    return pairs;
  }
}
