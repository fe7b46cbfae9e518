package org.dalle.evaluation.compositional;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneObject;

/**
 * Decides, for one generated image and the caption it was generated from, which {@link
 * CompositionalTask tasks} pass. Every task asks for the exact number of objects the caption
 * describes: the scenes are clean, so an extra object is a mistake, as it would be for a human
 * reader of "two blue squares". Objects are matched to the caption's by an assignment (a
 * permutation: a scene has at most four objects), never by position in a list.
 */
public final class CompositionalScorer {

  /**
   * The outcome for one image.
   *
   * @param tasks pass or fail for each task the caption takes part in
   * @param facts pass or fail for each fact the caption states, one at a time, in {@link
   *     FactChecks#ORDER} ({@link FactChecks})
   * @param allFacts whether every fact the caption states holds (count, and each object's colour,
   *     shape, size and cell when stated, and the relation), all together
   */
  public record Verdict(
      Map<CompositionalTask, Boolean> tasks, Map<String, Boolean> facts, boolean allFacts) {
    public Verdict {
      tasks = Map.copyOf(tasks);
      facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }
  }

  /**
   * The object attributes {@link #matchesEveryObject} compares. Counts and assignments as in every
   * task: exactly as many objects as the scene has, matched one-to-one.
   */
  public enum ObjectMatch {
    /** Each found object has its scene object's colour and shape. */
    COLOUR_AND_SHAPE(CompositionalScorer.COLOUR.and(CompositionalScorer.SHAPE)),
    /** Each found object has its scene object's colour, whatever its shape. */
    COLOUR(CompositionalScorer.COLOUR),
    /** Each found object has its scene object's shape, whatever its colour. */
    SHAPE(CompositionalScorer.SHAPE);

    private final BiPredicate<SceneObject, DetectedObject> match;

    ObjectMatch(BiPredicate<SceneObject, DetectedObject> match) {
      this.match = match;
    }
  }

  /**
   * Whether {@code found} holds exactly the objects of {@code scene}, as far as {@code match}
   * compares them: as many objects as the scene has, and a one-to-one assignment in which every
   * found object matches its scene object. Size, cell and relation are not compared; this is the
   * question "does the image keep every object's colour and shape", asked of an image that should
   * show {@code scene} (such as a dVAE's reconstruction of it).
   */
  public static boolean matchesEveryObject(Scene scene, DetectedScene found, ObjectMatch match) {
    return assign(scene.objects(), found.objects(), match.match);
  }

  /** The verdict for an image whose objects are {@code found}, generated for {@code caption}. */
  public Verdict score(CaptionFacts caption, DetectedScene found) {
    Scene scene = caption.scene();
    List<SceneObject> wanted = scene.objects();
    List<DetectedObject> objects = found.objects();
    boolean rightCount = objects.size() == wanted.size();
    Map<CompositionalTask, Boolean> tasks = new EnumMap<>(CompositionalTask.class);
    switch (scene.kind()) {
      case SINGLE -> {
        tasks.put(CompositionalTask.SINGLE_OBJECT, rightCount && assign(wanted, objects, SHAPE));
        tasks.put(
            CompositionalTask.COLOUR, rightCount && assign(wanted, objects, SHAPE.and(COLOUR)));
        if (caption.mentions("position")) {
          tasks.put(
              CompositionalTask.POSITION,
              rightCount && assign(wanted, objects, SHAPE.and(COLOUR).and(CELL)));
        }
      }
      case COUNT ->
          tasks.put(
              CompositionalTask.COUNTING, rightCount && assign(wanted, objects, SHAPE.and(COLOUR)));
      case RELATION -> {
        BiPredicate<SceneObject, DetectedObject> bound =
            caption.mentions("size") ? SHAPE.and(COLOUR).and(SIZE) : SHAPE.and(COLOUR);
        Optional<List<DetectedObject>> binding =
            rightCount ? assignment(wanted, objects, bound) : Optional.empty();
        tasks.put(CompositionalTask.TWO_OBJECTS, rightCount && assign(wanted, objects, SHAPE));
        tasks.put(CompositionalTask.ATTRIBUTE_BINDING, binding.isPresent());
        tasks.put(
            CompositionalTask.RELATION,
            binding.map(b -> b.get(0).is(scene.relation().orElseThrow(), b.get(1))).orElse(false));
      }
    }
    if (!caption.heldOut().isEmpty()) {
      boolean present = true;
      for (ColourShape pair : caption.heldOut()) {
        present &= objects.stream().anyMatch(o -> o.pair().equals(pair));
      }
      tasks.put(CompositionalTask.HELD_OUT_PAIRS, rightCount && present);
    }
    return new Verdict(
        tasks, FactChecks.check(caption, objects), rightCount && allFacts(caption, objects));
  }

  private static boolean allFacts(CaptionFacts caption, List<DetectedObject> objects) {
    BiPredicate<SceneObject, DetectedObject> match = SHAPE.and(COLOUR);
    if (caption.mentions("size")) {
      match = match.and(SIZE);
    }
    if (caption.mentions("position")) {
      match = match.and(CELL);
    }
    Optional<List<DetectedObject>> assigned = assignment(caption.scene().objects(), objects, match);
    if (assigned.isEmpty()) {
      return false;
    }
    if (caption.mentions("relation")) {
      List<DetectedObject> a = assigned.get();
      return a.get(0).is(caption.scene().relation().orElseThrow(), a.get(1));
    }
    return true;
  }

  /** A found object has its scene object's shape; the other rules compare one attribute each. */
  static final BiPredicate<SceneObject, DetectedObject> SHAPE = (w, f) -> w.shape() == f.shape();

  static final BiPredicate<SceneObject, DetectedObject> COLOUR = (w, f) -> w.colour() == f.colour();
  static final BiPredicate<SceneObject, DetectedObject> SIZE = (w, f) -> w.size() == f.size();
  static final BiPredicate<SceneObject, DetectedObject> CELL = (w, f) -> w.cell() == f.cell();

  private static boolean assign(
      List<SceneObject> wanted,
      List<DetectedObject> found,
      BiPredicate<SceneObject, DetectedObject> match) {
    return assignment(wanted, found, match).isPresent();
  }

  /**
   * Found objects, one per wanted object in the wanted order, each matching its wanted object;
   * empty when the counts differ or no such one-to-one assignment exists.
   */
  static Optional<List<DetectedObject>> assignment(
      List<SceneObject> wanted,
      List<DetectedObject> found,
      BiPredicate<SceneObject, DetectedObject> match) {
    if (wanted.size() != found.size()) {
      return Optional.empty();
    }
    List<DetectedObject> chosen = new ArrayList<>();
    return extend(wanted, found, match, new boolean[found.size()], chosen)
        ? Optional.of(List.copyOf(chosen))
        : Optional.empty();
  }

  private static boolean extend(
      List<SceneObject> wanted,
      List<DetectedObject> found,
      BiPredicate<SceneObject, DetectedObject> match,
      boolean[] used,
      List<DetectedObject> chosen) {
    if (chosen.size() == wanted.size()) {
      return true;
    }
    SceneObject next = wanted.get(chosen.size());
    for (int i = 0; i < found.size(); i++) {
      if (!used[i] && match.test(next, found.get(i))) {
        used[i] = true;
        chosen.add(found.get(i));
        if (extend(wanted, found, match, used, chosen)) {
          return true;
        }
        chosen.remove(chosen.size() - 1);
        used[i] = false;
      }
    }
    return false;
  }
}
