package org.dalle.pipelines.synthetic;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one synthetic image shows. The constructor checks that a scene is what its kind says, so a
 * caption written from it is true:
 *
 * <ul>
 *   <li>{@link Kind#SINGLE}: one object, no relation;
 *   <li>{@link Kind#COUNT}: one to four objects of the same colour, shape and size, each in its own
 *       grid cell (so they never overlap), no relation;
 *   <li>{@link Kind#RELATION}: two objects with different (colour, shape) pairs in different cells
 *       and a relation "objects[0] RELATION objects[1]" that {@link Relation#holds holds} for their
 *       centres.
 * </ul>
 */
public record Scene(
    Kind kind, SyntheticSplit split, List<SceneObject> objects, Optional<Relation> relation) {

  /** The kinds of scene, with their names in attributes. */
  public enum Kind {
    SINGLE("single"),
    COUNT("count"),
    RELATION("relation");

    private final String word;

    Kind(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }

    public static Kind parse(String word) {
      for (Kind kind : values()) {
        if (kind.word.equals(word)) {
          return kind;
        }
      }
      throw new IllegalArgumentException(
          "unknown scene kind '" + word + "', expected single, count or relation");
    }
  }

  public Scene {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(split, "split");
    objects = List.copyOf(objects);
    Objects.requireNonNull(relation, "relation");
    switch (kind) {
      case SINGLE -> require(objects.size() == 1 && relation.isEmpty(), kind, objects, relation);
      case COUNT -> {
        require(
            objects.size() >= 1
                && objects.size() <= SyntheticVocabulary.MAX_COUNT
                && relation.isEmpty(),
            kind,
            objects,
            relation);
        SceneObject first = objects.get(0);
        Set<GridPosition> cells = new HashSet<>();
        for (SceneObject o : objects) {
          require(
              o.pair().equals(first.pair()) && o.size() == first.size() && cells.add(o.cell()),
              kind,
              objects,
              relation);
        }
      }
      case RELATION -> {
        require(objects.size() == 2 && relation.isPresent(), kind, objects, relation);
        SceneObject a = objects.get(0);
        SceneObject b = objects.get(1);
        require(
            !a.pair().equals(b.pair())
                && a.cell() != b.cell()
                && relation.get().holds(a.x(), a.y(), b.x(), b.y()),
            kind,
            objects,
            relation);
      }
    }
  }

  private static void require(
      boolean ok, Kind kind, List<SceneObject> objects, Optional<Relation> relation) {
    if (!ok) {
      throw new IllegalArgumentException(
          "not a valid " + kind.word() + " scene: objects=" + objects + " relation=" + relation);
    }
  }
}
