package org.dalle.evaluation.compositional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.dalle.pipelines.synthetic.Colour;
import org.dalle.pipelines.synthetic.GridPosition;
import org.dalle.pipelines.synthetic.Relation;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneObject;
import org.dalle.pipelines.synthetic.SceneRenderer;
import org.dalle.pipelines.synthetic.Shape;
import org.dalle.pipelines.synthetic.Size;
import org.dalle.pipelines.synthetic.SyntheticSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SceneCheckerTest {
  private static final List<SyntheticScenes.Example> EXAMPLES = SyntheticScenes.examples(11, 120);

  /** Fewer scenes at 256 pixels, where each check takes 16 times as long as at 64. */
  private static final List<SyntheticScenes.Example> FEWER = SyntheticScenes.examples(11, 40);

  private final SceneChecker checker = new SceneChecker();

  /**
   * Every object of every scene, at the sizes the configs use: the quickstart renders at 64 and
   * prepares at 32, the paper config prepares at 256; renders made directly at 32, 64 and 256.
   */
  @ParameterizedTest(name = "rendered at {0}, prepared at {1}")
  @CsvSource({"32, 32", "64, 64", "64, 32", "256, 256", "64, 256"})
  void readsEveryRenderedSceneExactly(int renderSize, int preparedSize) {
    Set<Scene.Kind> kinds = EnumSet.noneOf(Scene.Kind.class);
    for (SyntheticScenes.Example e : preparedSize > 64 ? FEWER : EXAMPLES) {
      kinds.add(e.scene().kind());
      DetectedScene found =
          checker.check(SyntheticScenes.image(e.scene(), renderSize, preparedSize));
      assertTrue(
          agrees(e.scene(), found),
          () -> "scene " + e.facts().id() + " " + e.scene() + " was read as " + found.objects());
    }
    assertEquals(EnumSet.allOf(Scene.Kind.class), kinds);
  }

  /** Mild degradations; the bounds sit just under what was measured on these 240 scenes. */
  @ParameterizedTest(name = "{0} at {1} pixels: at least {2}")
  @CsvSource({
    "blur0.5, 32, 0.99",
    "jpeg90, 32, 0.98",
    "blur0.5, 64, 1.0",
    "blur1.0, 64, 0.98",
    "jpeg90, 64, 1.0",
    "jpeg75, 64, 0.98",
  })
  void toleratesMildBlurAndCompression(String degradation, int size, double bound) {
    UnaryOperator<BufferedImage> degrade =
        switch (degradation) {
          case "blur0.5" -> image -> Degradations.blur(image, 0.5);
          case "blur1.0" -> image -> Degradations.blur(image, 1.0);
          case "jpeg90" -> image -> Degradations.jpeg(image, 0.9f);
          case "jpeg75" -> image -> Degradations.jpeg(image, 0.75f);
          default -> throw new IllegalArgumentException(degradation);
        };
    int exact = 0;
    for (SyntheticScenes.Example e : EXAMPLES) {
      BufferedImage image = degrade.apply(SyntheticScenes.image(e.scene(), 64, size));
      exact += agrees(e.scene(), checker.check(image)) ? 1 : 0;
    }
    double agreement = (double) exact / EXAMPLES.size();
    System.out.printf(
        "checker agreement, %s at %d pixels: %d/%d = %.4f%n",
        degradation, size, exact, EXAMPLES.size(), agreement);
    assertTrue(agreement >= bound, () -> degradation + " agreement " + agreement + " < " + bound);
  }

  @Test
  void findsNothingInAnEmptyOrOffPaletteImage() {
    int side = 32;
    assertEquals(0, checker.check(new int[side * side], side, side).count());
    int[] cyan = new int[side * side];
    for (int y = 8; y < 20; y++) {
      for (int x = 8; x < 20; x++) {
        cyan[y * side + x] = 0x00FFFF;
      }
    }
    assertEquals(0, checker.check(cyan, side, side).count());
    int[] speck = new int[side * side];
    speck[5 * side + 5] = Colour.RED.rgb();
    speck[5 * side + 6] = Colour.RED.rgb();
    assertEquals(0, checker.check(speck, side, side).count());
  }

  @Test
  void readsAHandBuiltRelationScene() {
    SceneObject star =
        new SceneObject(Colour.BLUE, Shape.STAR, Size.SMALL, GridPosition.TOP_LEFT, 0.2, 0.15);
    SceneObject square =
        new SceneObject(
            Colour.PINK, Shape.SQUARE, Size.LARGE, GridPosition.BOTTOM_RIGHT, 5 / 6.0, 5 / 6.0);
    Scene scene =
        new Scene(
            Scene.Kind.RELATION,
            SyntheticSplit.HELDOUT,
            List.of(star, square),
            Optional.of(Relation.ABOVE));
    DetectedScene found = checker.check(new SceneRenderer(64).render(scene));
    assertEquals(2, found.count());
    DetectedObject first = found.objects().get(0); // largest first
    DetectedObject second = found.objects().get(1);
    assertEquals(
        List.of(Colour.PINK, Shape.SQUARE, Size.LARGE, GridPosition.BOTTOM_RIGHT),
        List.of(first.colour(), first.shape(), first.size(), first.cell()));
    assertEquals(
        List.of(Colour.BLUE, Shape.STAR, Size.SMALL, GridPosition.TOP_LEFT),
        List.of(second.colour(), second.shape(), second.size(), second.cell()));
    assertEquals(0.2, second.x(), 0.01);
    assertEquals(0.15, second.y(), 0.01);
    // From (0.2, 0.15) to (0.83, 0.83) the vertical gap is the larger one: "star above square".
    assertEquals(Optional.of(Relation.ABOVE), DetectedScene.relationBetween(second, first));
    assertEquals(Optional.of(Relation.BELOW), DetectedScene.relationBetween(first, second));
  }

  @Test
  void rejectsAPixelArrayOfTheWrongLength() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> checker.check(new int[10], 4, 4));
    assertTrue(e.getMessage().contains("4 x 4"), e.getMessage());
  }

  /**
   * Whether the checker found exactly the scene's objects (colour, shape, size and cell, centres
   * within 0.02 of the image side) and, in a relation scene, the relation between them.
   */
  static boolean agrees(Scene scene, DetectedScene found) {
    Optional<List<DetectedObject>> assigned =
        CompositionalScorer.assignment(
            scene.objects(),
            found.objects(),
            (w, f) ->
                w.colour() == f.colour()
                    && w.shape() == f.shape()
                    && w.size() == f.size()
                    && w.cell() == f.cell()
                    && Math.hypot(w.x() - f.x(), w.y() - f.y()) < 0.02);
    if (assigned.isEmpty()) {
      return false;
    }
    return scene
        .relation()
        .map(r -> assigned.get().get(0).is(r, assigned.get().get(1)))
        .orElse(true);
  }
}
