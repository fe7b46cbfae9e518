package org.dalle.pipelines.synthetic;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SceneTest {
  private static SceneObject at(Colour colour, Shape shape, GridPosition cell) {
    return new SceneObject(colour, shape, Size.SMALL, cell, cell.centreX(), cell.centreY());
  }

  @Test
  void rejectsARelationThatIsFalseForTheCentres() {
    SceneObject left = at(Colour.RED, Shape.CIRCLE, GridPosition.LEFT);
    SceneObject right = at(Colour.BLUE, Shape.STAR, GridPosition.RIGHT);
    new Scene(
        Scene.Kind.RELATION,
        SyntheticSplit.TRAIN,
        List.of(left, right),
        Optional.of(Relation.LEFT_OF));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Scene(
                    Scene.Kind.RELATION,
                    SyntheticSplit.TRAIN,
                    List.of(left, right),
                    Optional.of(Relation.RIGHT_OF)));
    assertTrue(e.getMessage().contains("relation"), e.getMessage());
  }

  @Test
  void rejectsADiagonalRelationThatNoAxisDominates() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Scene(
                Scene.Kind.RELATION,
                SyntheticSplit.TRAIN,
                List.of(
                    at(Colour.RED, Shape.CIRCLE, GridPosition.TOP_LEFT),
                    at(Colour.BLUE, Shape.STAR, GridPosition.CENTRE)),
                Optional.of(Relation.LEFT_OF)));
  }

  @Test
  void rejectsCountScenesWithMixedObjectsOrSharedCells() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Scene(
                Scene.Kind.COUNT,
                SyntheticSplit.TRAIN,
                List.of(
                    at(Colour.RED, Shape.CIRCLE, GridPosition.TOP),
                    at(Colour.BLUE, Shape.CIRCLE, GridPosition.BOTTOM)),
                Optional.empty()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new Scene(
                Scene.Kind.COUNT,
                SyntheticSplit.TRAIN,
                List.of(
                    at(Colour.RED, Shape.CIRCLE, GridPosition.TOP),
                    at(Colour.RED, Shape.CIRCLE, GridPosition.TOP)),
                Optional.empty()));
  }

  @Test
  void rejectsAnObjectOutsideItsCellOrTheImage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SceneObject(Colour.RED, Shape.CIRCLE, Size.SMALL, GridPosition.TOP, 0.5, 0.9));
    assertTrue(e.getMessage().contains("'top'"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SceneObject(
                Colour.RED, Shape.CIRCLE, Size.LARGE, GridPosition.TOP_LEFT, 0.05, 0.05));
  }
}
