package org.dalle.evaluation.compositional;

import static org.dalle.evaluation.compositional.CompositionalScorer.CELL;
import static org.dalle.evaluation.compositional.CompositionalScorer.COLOUR;
import static org.dalle.evaluation.compositional.CompositionalScorer.SHAPE;
import static org.dalle.evaluation.compositional.CompositionalScorer.SIZE;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneObject;

/**
 * Which of a caption's facts an image gets right, one by one, so a report can say what went wrong
 * ("the colour", "the relation") where {@link CompositionalScorer.Verdict#allFacts()} only says
 * that something did. The facts, in {@link #ORDER}:
 *
 * <ul>
 *   <li>{@code count}, always (a caption always implies how many objects it describes): exactly as
 *       many objects as the scene has;
 *   <li>{@code shape}, when stated: the right count, and a one-to-one match of found to scene
 *       objects by shape;
 *   <li>{@code colour}, {@code size}, {@code position} (the grid cell), each when stated: the right
 *       count, and a one-to-one match by shape and that attribute; when no match by shape exists,
 *       by that attribute alone, so a red square drawn for "a red circle" fails the shape and not
 *       the colour;
 *   <li>{@code relation}, when stated: the relation holds between the objects matched by every
 *       stated attribute (as {@link CompositionalTask#RELATION} binds them) or, failing such a
 *       match, by shape; it fails when neither match exists.
 * </ul>
 *
 * Every fact but the count needs the right count, so an image with an object too many fails them
 * all, as every task does. The attributes are checked one at a time: an image can get each right
 * and still fail {@code allFacts} when no single match gets them right together.
 */
public final class FactChecks {
  /** The facts in the order reports list them. */
  public static final List<String> ORDER =
      List.of("count", "colour", "shape", "size", "position", "relation");

  private FactChecks() {}

  /** Each fact {@code caption} states (and the count), in {@link #ORDER}: whether it holds. */
  public static Map<String, Boolean> check(CaptionFacts caption, List<DetectedObject> found) {
    Scene scene = caption.scene();
    List<SceneObject> wanted = scene.objects();
    boolean shapes = CompositionalScorer.assignment(wanted, found, SHAPE).isPresent();
    Map<String, Boolean> facts = new LinkedHashMap<>();
    facts.put("count", wanted.size() == found.size());
    attribute(caption, "colour", COLOUR, shapes, wanted, found, facts);
    if (caption.mentions("shape")) {
      facts.put("shape", shapes);
    }
    attribute(caption, "size", SIZE, shapes, wanted, found, facts);
    attribute(caption, "position", CELL, shapes, wanted, found, facts);
    if (caption.mentions("relation")) {
      BiPredicate<SceneObject, DetectedObject> bound = SHAPE.and(COLOUR);
      if (caption.mentions("size")) {
        bound = bound.and(SIZE);
      }
      Optional<List<DetectedObject>> binding =
          CompositionalScorer.assignment(wanted, found, bound)
              .or(() -> CompositionalScorer.assignment(wanted, found, SHAPE));
      facts.put(
          "relation",
          binding.map(b -> b.get(0).is(scene.relation().orElseThrow(), b.get(1))).orElse(false));
    }
    return Collections.unmodifiableMap(facts);
  }

  private static void attribute(
      CaptionFacts caption,
      String fact,
      BiPredicate<SceneObject, DetectedObject> match,
      boolean shapes,
      List<SceneObject> wanted,
      List<DetectedObject> found,
      Map<String, Boolean> facts) {
    if (caption.mentions(fact)) {
      BiPredicate<SceneObject, DetectedObject> rule = shapes ? SHAPE.and(match) : match;
      facts.put(fact, CompositionalScorer.assignment(wanted, found, rule).isPresent());
    }
  }
}
