package org.dalle.pipelines.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SceneRendererTest {
  private static final SceneSampler TRAIN =
      new SceneSampler(
          11,
          SyntheticSplit.TRAIN,
          SceneMix.DEFAULT,
          SyntheticVocabulary.resolveHeldOutPairs(List.of()));

  /** Outline areas in units of r², from the geometry documented in {@link SceneRenderer}. */
  private static final Map<Shape, Double> AREA_IN_R_SQUARED =
      Map.of(
          Shape.CIRCLE, Math.PI,
          Shape.SQUARE, 1.7 * 1.7,
          Shape.TRIANGLE, 0.5 * 2 * 1.85,
          Shape.DIAMOND, 0.5 * 2 * 1.2,
          Shape.STAR, 10 * 0.5 * 0.45 * Math.sin(Math.PI / 5),
          Shape.CROSS, 2 * (2 * 0.68) - 0.68 * 0.68);

  @ParameterizedTest
  @ValueSource(ints = {32, 64})
  void singleObjectHasItsColourAtItsCentreAndBackgroundOutsideItsBox(int side) {
    SceneRenderer renderer = new SceneRenderer(side);
    for (Shape shape : Shape.values()) {
      for (Size size : Size.values()) {
        for (GridPosition cell : List.of(GridPosition.TOP_LEFT, GridPosition.CENTRE)) {
          Colour colour = Colour.values()[(shape.ordinal() + cell.ordinal()) % 8];
          SceneObject object =
              new SceneObject(colour, shape, size, cell, cell.centreX(), cell.centreY());
          BufferedImage image = renderer.render(single(object));
          String what = colour.word() + " " + size.word() + " " + shape.word() + " at " + side;
          int cx = (int) (object.x() * side);
          int cy = (int) (object.y() * side);
          assertEquals(colour.rgb(), image.getRGB(cx, cy) & 0xFFFFFF, what + " centre");
          double r = size.halfExtent() * side;
          double coverage = 0; // antialiasing blends with black, so a channel scales with coverage
          int brightest = brightest(colour.rgb());
          for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
              int rgb = image.getRGB(x, y) & 0xFFFFFF;
              boolean inBox =
                  x + 1 > cx - r - 1 && x < cx + r + 1 && y + 1 > cy - r - 1 && y < cy + r + 1;
              if (!inBox) {
                assertEquals(SceneRenderer.BACKGROUND, rgb, what + " pixel " + x + "," + y);
              }
              coverage += (double) brightest(rgb) / brightest;
            }
          }
          double expected = AREA_IN_R_SQUARED.get(shape) * r * r;
          assertEquals(expected, coverage, 0.05 * expected, what + " painted area");
        }
      }
    }
  }

  @Test
  void largeObjectsCoverMoreThanTwiceTheAreaOfSmallOnes() {
    SceneRenderer renderer = new SceneRenderer(64);
    for (Shape shape : Shape.values()) {
      GridPosition cell = GridPosition.CENTRE;
      long small =
          lit(
              renderer.render(
                  single(new SceneObject(Colour.WHITE, shape, Size.SMALL, cell, 0.5, 0.5))));
      long large =
          lit(
              renderer.render(
                  single(new SceneObject(Colour.WHITE, shape, Size.LARGE, cell, 0.5, 0.5))));
      assertTrue(large > 2 * small, shape + ": large " + large + " vs small " + small);
    }
  }

  @Test
  void relationScenesAreTrueOfTheRenderedObjects() {
    SceneRenderer renderer = new SceneRenderer(64);
    int checked = 0;
    for (int i = 0; checked < 300; i++) {
      Scene scene = TRAIN.sample(i);
      if (scene.kind() != Scene.Kind.RELATION) {
        continue;
      }
      int[][] labels = components(renderer.render(scene));
      SceneObject a = scene.objects().get(0);
      SceneObject b = scene.objects().get(1);
      int labelA = labels[(int) (a.y() * 64)][(int) (a.x() * 64)];
      int labelB = labels[(int) (b.y() * 64)][(int) (b.x() * 64)];
      assertTrue(labelA > 0 && labelB > 0, "centres not painted in scene " + i);
      assertNotEquals(labelA, labelB, "objects touch in scene " + i);
      double[] ca = centroid(labels, labelA);
      double[] cb = centroid(labels, labelB);
      Relation relation = scene.relation().orElseThrow();
      assertTrue(
          relation.holds(ca[0], ca[1], cb[0], cb[1]),
          "scene "
              + i
              + ": "
              + relation.word()
              + " false for drawn centres "
              + ca[0]
              + ","
              + ca[1]
              + " and "
              + cb[0]
              + ","
              + cb[1]);
      checked++;
    }
  }

  @Test
  void countScenesDrawThatManySeparateObjects() {
    SceneRenderer renderer = new SceneRenderer(64);
    int checked = 0;
    for (int i = 0; checked < 200; i++) {
      Scene scene = TRAIN.sample(i);
      if (scene.kind() != Scene.Kind.COUNT) {
        continue;
      }
      int[][] labels = components(renderer.render(scene));
      Set<Integer> hit = new HashSet<>();
      for (SceneObject o : scene.objects()) {
        int label = labels[(int) (o.y() * 64)][(int) (o.x() * 64)];
        assertTrue(label > 0, "centre not painted in scene " + i);
        hit.add(label);
      }
      assertEquals(scene.objects().size(), hit.size(), "objects merged in scene " + i);
      checked++;
    }
  }

  @Test
  void pngBytesDecodeToTheRenderedPixels() throws IOException {
    SceneRenderer renderer = new SceneRenderer(32);
    Scene scene = TRAIN.sample(0);
    BufferedImage expected = renderer.render(scene);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(renderer.renderPng(scene)));
    assertEquals(32, decoded.getWidth());
    assertEquals(32, decoded.getHeight());
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        assertEquals(expected.getRGB(x, y), decoded.getRGB(x, y), "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void rejectsImagesSmallerThanSixteenPixels() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new SceneRenderer(15));
    assertTrue(e.getMessage().contains("15"), e.getMessage());
  }

  private static Scene single(SceneObject object) {
    return new Scene(Scene.Kind.SINGLE, SyntheticSplit.TRAIN, List.of(object), Optional.empty());
  }

  private static long lit(BufferedImage image) {
    long n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        n += (image.getRGB(x, y) & 0xFFFFFF) == 0xFFFFFF ? 1 : 0;
      }
    }
    return n;
  }

  /**
   * 4-connected components of pixels at least half covered by an object (brightest channel >= 100;
   * every colour's brightest channel is >= 200). Objects in different cells are more than a pixel
   * apart, so their half-covered pixels never touch. 0 marks background.
   */
  static int[][] components(BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    int[][] labels = new int[h][w];
    int next = 0;
    for (int y0 = 0; y0 < h; y0++) {
      for (int x0 = 0; x0 < w; x0++) {
        if (labels[y0][x0] != 0 || !lit(image, x0, y0)) {
          continue;
        }
        next++;
        ArrayDeque<int[]> queue = new ArrayDeque<>();
        queue.add(new int[] {x0, y0});
        labels[y0][x0] = next;
        while (!queue.isEmpty()) {
          int[] p = queue.poll();
          for (int[] d : new int[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
            int x = p[0] + d[0];
            int y = p[1] + d[1];
            if (x >= 0 && y >= 0 && x < w && y < h && labels[y][x] == 0 && lit(image, x, y)) {
              labels[y][x] = next;
              queue.add(new int[] {x, y});
            }
          }
        }
      }
    }
    return labels;
  }

  private static boolean lit(BufferedImage image, int x, int y) {
    return brightest(image.getRGB(x, y)) >= 100;
  }

  private static int brightest(int rgb) {
    return Math.max(Math.max((rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF), rgb & 0xFF);
  }

  /** Centroid of a component, in pixels (pixel centres at +0.5). */
  private static double[] centroid(int[][] labels, int label) {
    double sx = 0;
    double sy = 0;
    int n = 0;
    for (int y = 0; y < labels.length; y++) {
      for (int x = 0; x < labels[y].length; x++) {
        if (labels[y][x] == label) {
          sx += x + 0.5;
          sy += y + 0.5;
          n++;
        }
      }
    }
    return new double[] {sx / n, sy / n};
  }
}
