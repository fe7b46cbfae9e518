package org.dalle.evaluation.compositional;

import java.util.List;
import java.util.Optional;
import org.dalle.pipelines.synthetic.Relation;

/**
 * The objects the {@link SceneChecker} found in one image, largest first.
 *
 * @param objects every object found
 */
public record DetectedScene(List<DetectedObject> objects) {
  public DetectedScene {
    objects = List.copyOf(objects);
  }

  public int count() {
    return objects.size();
  }

  /**
   * The relation that holds between two objects' centres, read "first RELATION second"; empty when
   * neither axis dominates (the centres lie on a diagonal).
   */
  public static Optional<Relation> relationBetween(DetectedObject first, DetectedObject second) {
    for (Relation r : Relation.values()) {
      if (first.is(r, second)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
