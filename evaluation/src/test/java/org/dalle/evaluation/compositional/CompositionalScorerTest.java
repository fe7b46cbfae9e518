package org.dalle.evaluation.compositional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.dalle.pipelines.synthetic.CaptionWriter;
import org.dalle.pipelines.synthetic.Colour;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.GridPosition;
import org.dalle.pipelines.synthetic.Relation;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneAttributes;
import org.dalle.pipelines.synthetic.SceneObject;
import org.dalle.pipelines.synthetic.Shape;
import org.dalle.pipelines.synthetic.Size;
import org.dalle.pipelines.synthetic.SyntheticSplit;
import org.junit.jupiter.api.Test;

class CompositionalScorerTest {
  private final CompositionalScorer scorer = new CompositionalScorer();

  @Test
  void everyTaskPassesOnTheDatasetsOwnImages() {
    SceneChecker checker = new SceneChecker();
    for (SyntheticScenes.Example e : SyntheticScenes.examples(5, 60)) {
      CompositionalScorer.Verdict v =
          scorer.score(e.facts(), checker.check(SyntheticScenes.image(e.scene(), 64, 32)));
      assertTrue(v.allFacts(), () -> e.facts().caption() + ": " + v);
      assertFalse(v.tasks().containsValue(false), () -> e.facts().caption() + ": " + v);
      assertEquals(expectedTasks(e.facts()), v.tasks().keySet(), e.facts().caption());
    }
  }

  @Test
  void singleObjectTasksSeparateShapeColourAndPosition() {
    // Template single.0: "a small red circle in the top left corner".
    CaptionFacts caption =
        facts(
            single(
                new SceneObject(
                    Colour.RED, Shape.CIRCLE, Size.SMALL, GridPosition.TOP_LEFT, 0.15, 0.15)),
            0);
    assertEquals("a small red circle in the top left corner", caption.caption());

    assertPasses(
        caption,
        scene(found(Colour.RED, Shape.CIRCLE, Size.SMALL, 0.15, 0.15)),
        true,
        true,
        true,
        true);
    // Wrong colour: still the right single object.
    assertPasses(
        caption,
        scene(found(Colour.BLUE, Shape.CIRCLE, Size.SMALL, 0.15, 0.15)),
        true,
        false,
        false,
        false);
    // Right object in the wrong cell.
    assertPasses(
        caption,
        scene(found(Colour.RED, Shape.CIRCLE, Size.SMALL, 0.5, 0.5)),
        true,
        true,
        false,
        false);
    // Right everything but the size: only the full caption check sees it.
    assertPasses(
        caption,
        scene(found(Colour.RED, Shape.CIRCLE, Size.LARGE, 0.16, 0.16)),
        true,
        true,
        true,
        false);
    // An extra object fails every task.
    assertPasses(
        caption,
        scene(
            found(Colour.RED, Shape.CIRCLE, Size.SMALL, 0.15, 0.15),
            found(Colour.RED, Shape.STAR, Size.SMALL, 0.8, 0.8)),
        false,
        false,
        false,
        false);
    assertPasses(caption, scene(), false, false, false, false);
  }

  @Test
  void countingNeedsExactlyNObjectsOfTheStatedColourAndShape() {
    List<SceneObject> three =
        List.of(
            new SceneObject(Colour.BLUE, Shape.SQUARE, Size.LARGE, GridPosition.TOP, 0.5, 1 / 6.0),
            new SceneObject(Colour.BLUE, Shape.SQUARE, Size.LARGE, GridPosition.CENTRE, 0.5, 0.5),
            new SceneObject(
                Colour.BLUE, Shape.SQUARE, Size.LARGE, GridPosition.BOTTOM, 0.5, 5 / 6.0));
    CaptionFacts caption =
        facts(new Scene(Scene.Kind.COUNT, SyntheticSplit.TRAIN, three, Optional.empty()), 0);
    assertEquals("three blue squares", caption.caption());
    DetectedObject a = found(Colour.BLUE, Shape.SQUARE, Size.LARGE, 0.5, 0.17);
    DetectedObject b = found(Colour.BLUE, Shape.SQUARE, Size.SMALL, 0.2, 0.5); // size not stated
    DetectedObject c = found(Colour.BLUE, Shape.SQUARE, Size.LARGE, 0.8, 0.8); // cell not stated
    DetectedObject red = found(Colour.RED, Shape.SQUARE, Size.LARGE, 0.8, 0.8);
    assertEquals(
        Map.of(CompositionalTask.COUNTING, true), scorer.score(caption, scene(a, b, c)).tasks());
    assertEquals(
        Map.of(CompositionalTask.COUNTING, false), scorer.score(caption, scene(a, b)).tasks());
    assertEquals(
        Map.of(CompositionalTask.COUNTING, false), scorer.score(caption, scene(a, b, red)).tasks());
    assertEquals(
        Map.of(CompositionalTask.COUNTING, false),
        scorer.score(caption, scene(a, b, c, c)).tasks());
  }

  @Test
  void relationTasksSeparatePresenceBindingAndRelation() {
    SceneObject circle =
        new SceneObject(Colour.RED, Shape.CIRCLE, Size.SMALL, GridPosition.LEFT, 1 / 6.0, 0.5);
    SceneObject star =
        new SceneObject(Colour.GREEN, Shape.STAR, Size.LARGE, GridPosition.RIGHT, 5 / 6.0, 0.5);
    Scene scene =
        new Scene(
            Scene.Kind.RELATION,
            SyntheticSplit.TRAIN,
            List.of(circle, star),
            Optional.of(Relation.LEFT_OF));
    CaptionFacts plain = facts(scene, 0);
    CaptionFacts sized = facts(scene, 1);
    assertEquals("a red circle to the left of a green star", plain.caption());
    assertEquals("a small red circle to the left of a large green star", sized.caption());

    DetectedObject redCircleLeft = found(Colour.RED, Shape.CIRCLE, Size.SMALL, 0.2, 0.5);
    DetectedObject greenStarRight = found(Colour.GREEN, Shape.STAR, Size.LARGE, 0.8, 0.5);
    assertEquals(
        relationTasks(true, true, true),
        scorer.score(plain, scene(greenStarRight, redCircleLeft)).tasks());

    // Colours swapped between the shapes: both shapes are there, the binding is wrong.
    DetectedObject greenCircleLeft = found(Colour.GREEN, Shape.CIRCLE, Size.SMALL, 0.2, 0.5);
    DetectedObject redStarRight = found(Colour.RED, Shape.STAR, Size.LARGE, 0.8, 0.5);
    assertEquals(
        relationTasks(true, false, false),
        scorer.score(plain, scene(greenCircleLeft, redStarRight)).tasks());

    // Bound right, placed the wrong way round.
    DetectedObject redCircleRight = found(Colour.RED, Shape.CIRCLE, Size.SMALL, 0.8, 0.5);
    DetectedObject greenStarLeft = found(Colour.GREEN, Shape.STAR, Size.LARGE, 0.2, 0.5);
    CompositionalScorer.Verdict swapped = scorer.score(plain, scene(redCircleRight, greenStarLeft));
    assertEquals(relationTasks(true, true, false), swapped.tasks());
    assertFalse(swapped.allFacts());

    // Sizes bind too when the caption states them.
    DetectedObject largeRedCircle = found(Colour.RED, Shape.CIRCLE, Size.LARGE, 0.2, 0.5);
    assertEquals(
        relationTasks(true, true, true),
        scorer.score(plain, scene(largeRedCircle, greenStarRight)).tasks());
    assertEquals(
        relationTasks(true, false, false),
        scorer.score(sized, scene(largeRedCircle, greenStarRight)).tasks());

    // A missing object fails all three.
    assertEquals(
        relationTasks(false, false, false), scorer.score(plain, scene(redCircleLeft)).tasks());
  }

  @Test
  void factsSayWhichStatedFactFailed() {
    CaptionFacts single =
        facts(
            single(
                new SceneObject(
                    Colour.RED, Shape.CIRCLE, Size.SMALL, GridPosition.TOP_LEFT, 0.15, 0.15)),
            0);
    assertEquals("a small red circle in the top left corner", single.caption());
    DetectedObject right = found(Colour.RED, Shape.CIRCLE, Size.SMALL, 0.15, 0.15);
    CompositionalScorer.Verdict exact = scorer.score(single, scene(right));
    assertEquals(List.of("count", "colour", "shape", "size", "position"), keys(exact.facts()));
    assertFalse(exact.facts().containsValue(false), exact.toString());
    assertEquals(
        List.of("colour"),
        failed(
            scorer.score(single, scene(found(Colour.BLUE, Shape.CIRCLE, Size.SMALL, .15, .15)))));
    // A red square for a red circle: the shape is wrong, the colour, size and place are right.
    assertEquals(
        List.of("shape"),
        failed(scorer.score(single, scene(found(Colour.RED, Shape.SQUARE, Size.SMALL, .15, .15)))));
    assertEquals(
        List.of("position"),
        failed(scorer.score(single, scene(found(Colour.RED, Shape.CIRCLE, Size.SMALL, .5, .5)))));
    // An object too many: nothing can be matched, so every fact fails.
    assertEquals(
        List.of("count", "colour", "shape", "size", "position"),
        failed(
            scorer.score(
                single, scene(right, found(Colour.RED, Shape.STAR, Size.SMALL, 0.8, 0.8)))));

    SceneObject circle =
        new SceneObject(Colour.RED, Shape.CIRCLE, Size.SMALL, GridPosition.LEFT, 1 / 6.0, 0.5);
    SceneObject star =
        new SceneObject(Colour.GREEN, Shape.STAR, Size.LARGE, GridPosition.RIGHT, 5 / 6.0, 0.5);
    CaptionFacts relation =
        facts(
            new Scene(
                Scene.Kind.RELATION,
                SyntheticSplit.TRAIN,
                List.of(circle, star),
                Optional.of(Relation.LEFT_OF)),
            0);
    assertEquals("a red circle to the left of a green star", relation.caption());
    // Colours swapped between the shapes: the colours are on the wrong shapes; the shapes, bound
    // by shape alone, stand in the stated relation.
    CompositionalScorer.Verdict swapped =
        scorer.score(
            relation,
            scene(
                found(Colour.GREEN, Shape.CIRCLE, Size.SMALL, 0.2, 0.5),
                found(Colour.RED, Shape.STAR, Size.LARGE, 0.8, 0.5)));
    assertEquals(List.of("count", "colour", "shape", "relation"), keys(swapped.facts()));
    assertEquals(List.of("colour"), failed(swapped));
    assertFalse(swapped.allFacts());
    // Bound right, placed the wrong way round.
    assertEquals(
        List.of("relation"),
        failed(
            scorer.score(
                relation,
                scene(
                    found(Colour.RED, Shape.CIRCLE, Size.SMALL, 0.8, 0.5),
                    found(Colour.GREEN, Shape.STAR, Size.LARGE, 0.2, 0.5)))));
  }

  private static List<String> keys(Map<String, Boolean> facts) {
    return List.copyOf(facts.keySet());
  }

  private static List<String> failed(CompositionalScorer.Verdict verdict) {
    return ImageVerdict.of(verdict).failedFacts();
  }

  @Test
  void heldOutPairsMustAppearInTheImage() {
    // Blue star is a default held-out pair.
    CaptionFacts caption =
        facts(
            single(
                new SceneObject(
                    Colour.BLUE, Shape.STAR, Size.LARGE, GridPosition.CENTRE, 0.5, 0.5)),
            4);
    assertEquals("a large blue star", caption.caption());
    assertEquals(List.of(new ColourShape(Colour.BLUE, Shape.STAR)), caption.heldOut());
    assertTrue(
        scorer
            .score(caption, scene(found(Colour.BLUE, Shape.STAR, Size.LARGE, 0.5, 0.5)))
            .tasks()
            .get(CompositionalTask.HELD_OUT_PAIRS));
    // The model fell back to a pair it has seen: a purple star.
    CompositionalScorer.Verdict fallback =
        scorer.score(caption, scene(found(Colour.PURPLE, Shape.STAR, Size.LARGE, 0.5, 0.5)));
    assertFalse(fallback.tasks().get(CompositionalTask.HELD_OUT_PAIRS));
    assertTrue(fallback.tasks().get(CompositionalTask.SINGLE_OBJECT));
    assertFalse(fallback.tasks().get(CompositionalTask.COLOUR));
    // No position stated by template single.4: no position task.
    assertFalse(fallback.tasks().containsKey(CompositionalTask.POSITION));
  }

  @Test
  void everyObjectMatchesOneToOneOnColourAndShapeOnly() {
    SceneObject circle =
        new SceneObject(Colour.RED, Shape.CIRCLE, Size.SMALL, GridPosition.LEFT, 1 / 6.0, 0.5);
    SceneObject star =
        new SceneObject(Colour.GREEN, Shape.STAR, Size.LARGE, GridPosition.RIGHT, 5 / 6.0, 0.5);
    Scene scene =
        new Scene(
            Scene.Kind.RELATION,
            SyntheticSplit.TRAIN,
            List.of(circle, star),
            Optional.of(Relation.LEFT_OF));
    DetectedObject redCircle = found(Colour.RED, Shape.CIRCLE, Size.SMALL, 0.2, 0.5);
    DetectedObject greenStar = found(Colour.GREEN, Shape.STAR, Size.LARGE, 0.8, 0.5);
    // In any order, and whatever the sizes and places.
    DetectedObject largeRedCircleRight = found(Colour.RED, Shape.CIRCLE, Size.LARGE, 0.8, 0.8);
    for (CompositionalScorer.ObjectMatch match : CompositionalScorer.ObjectMatch.values()) {
      assertTrue(CompositionalScorer.matchesEveryObject(scene, scene(greenStar, redCircle), match));
      assertTrue(
          CompositionalScorer.matchesEveryObject(
              scene, scene(greenStar, largeRedCircleRight), match));
      assertFalse(CompositionalScorer.matchesEveryObject(scene, scene(redCircle), match));
      assertFalse(
          CompositionalScorer.matchesEveryObject(
              scene, scene(redCircle, greenStar, greenStar), match));
    }
    // Colours swapped between the shapes: the shapes are right, the colours are there, but no
    // object has both its colour and its shape.
    DetectedScene swapped =
        scene(
            found(Colour.GREEN, Shape.CIRCLE, Size.SMALL, 0.2, 0.5),
            found(Colour.RED, Shape.STAR, Size.LARGE, 0.8, 0.5));
    assertTrue(
        CompositionalScorer.matchesEveryObject(
            scene, swapped, CompositionalScorer.ObjectMatch.SHAPE));
    assertTrue(
        CompositionalScorer.matchesEveryObject(
            scene, swapped, CompositionalScorer.ObjectMatch.COLOUR));
    assertFalse(
        CompositionalScorer.matchesEveryObject(
            scene, swapped, CompositionalScorer.ObjectMatch.COLOUR_AND_SHAPE));
    // Two red circles: one-to-one, so the star is not matched twice over.
    DetectedScene twoCircles = scene(redCircle, redCircle);
    assertFalse(
        CompositionalScorer.matchesEveryObject(
            scene, twoCircles, CompositionalScorer.ObjectMatch.SHAPE));
  }

  private void assertPasses(
      CaptionFacts caption,
      DetectedScene found,
      boolean single,
      boolean colour,
      boolean position,
      boolean all) {
    CompositionalScorer.Verdict v = scorer.score(caption, found);
    assertEquals(
        Map.of(
            CompositionalTask.SINGLE_OBJECT,
            single,
            CompositionalTask.COLOUR,
            colour,
            CompositionalTask.POSITION,
            position),
        v.tasks(),
        found.toString());
    assertEquals(all, v.allFacts(), found.toString());
  }

  private static Map<CompositionalTask, Boolean> relationTasks(
      boolean two, boolean binding, boolean relation) {
    return Map.of(
        CompositionalTask.TWO_OBJECTS, two,
        CompositionalTask.ATTRIBUTE_BINDING, binding,
        CompositionalTask.RELATION, relation);
  }

  private static Set<CompositionalTask> expectedTasks(CaptionFacts f) {
    EnumSet<CompositionalTask> tasks = EnumSet.noneOf(CompositionalTask.class);
    switch (f.scene().kind()) {
      case SINGLE -> {
        tasks.add(CompositionalTask.SINGLE_OBJECT);
        tasks.add(CompositionalTask.COLOUR);
        if (f.mentions("position")) {
          tasks.add(CompositionalTask.POSITION);
        }
      }
      case COUNT -> tasks.add(CompositionalTask.COUNTING);
      case RELATION -> {
        tasks.add(CompositionalTask.TWO_OBJECTS);
        tasks.add(CompositionalTask.ATTRIBUTE_BINDING);
        tasks.add(CompositionalTask.RELATION);
      }
    }
    if (!f.heldOut().isEmpty()) {
      tasks.add(CompositionalTask.HELD_OUT_PAIRS);
    }
    return tasks;
  }

  private static Scene single(SceneObject object) {
    return new Scene(Scene.Kind.SINGLE, SyntheticSplit.TRAIN, List.of(object), Optional.empty());
  }

  /** The facts of {@code scene} captioned by template {@code template} of its kind. */
  static CaptionFacts facts(Scene scene, int template) {
    CaptionWriter.Caption caption = new CaptionWriter().write(scene, template);
    Map<String, String> attributes =
        SceneAttributes.encode(scene, caption, SyntheticScenes.HELD_OUT, 1, 0);
    return CaptionFacts.fromAttributes("c", caption.text(), attributes);
  }

  private static DetectedObject found(Colour colour, Shape shape, Size size, double x, double y) {
    GridPosition cell = null;
    for (GridPosition p : GridPosition.values()) {
      if (p.contains(x, y)) {
        cell = p;
      }
    }
    return new DetectedObject(colour, shape, size, cell, x, y, size.halfExtent());
  }

  private static DetectedScene scene(DetectedObject... objects) {
    return new DetectedScene(List.of(objects));
  }
}
