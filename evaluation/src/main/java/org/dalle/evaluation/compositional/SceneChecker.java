package org.dalle.evaluation.compositional;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.dalle.pipelines.image.RgbConverter;
import org.dalle.pipelines.synthetic.GridPosition;
import org.dalle.pipelines.synthetic.Shape;
import org.dalle.pipelines.synthetic.Size;

/**
 * Reads an image of a synthetic scene back into objects — colour, shape, size, grid cell and centre
 * — without any learned model, so the compositional benchmark (the zero-shot composition question
 * of Ramesh et al. 2021, §3.3, asked with a ground truth) is deterministic and explainable:
 *
 * <ol>
 *   <li>{@link ObjectSegmenter}: pixels fitted to the palette, core components, soft masks;
 *   <li>{@link ShapeFeatures}: coverage-weighted moments of each mask;
 *   <li>the shape is the {@link ShapePrototypes prototype} whose angular harmonics lie nearest
 *       (Euclidean distance over re and im of h_2..h_5); the half-extent r follows from the area
 *       and that shape's area per r², and the size is large when r exceeds the geometric mean of
 *       the small and large half-extents; the box centre is the centroid moved by the shape's
 *       offset, and the cell is the one containing it.
 * </ol>
 *
 * <p>Works at any image size; on the dataset's renders (32, 64 and 256 pixels, rendered directly or
 * resized by the prepare stage) it recovers every object exactly, which {@code SceneCheckerTest}
 * checks on hundreds of scenes of every kind.
 */
public final class SceneChecker {
  private static final double SIZE_THRESHOLD =
      Math.sqrt(Size.SMALL.halfExtent() * Size.LARGE.halfExtent());

  /** Smallest fraction of its prototype's harmonics a blurred shape is matched at. */
  private static final double MIN_AMPLITUDE = 0.5;

  private final ObjectSegmenter segmenter;

  public SceneChecker() {
    this(CheckerSettings.DEFAULT);
  }

  public SceneChecker(CheckerSettings settings) {
    this.segmenter = new ObjectSegmenter(settings);
  }

  /** The objects in an image of any type (converted to 8-bit RGB first). */
  public DetectedScene check(BufferedImage image) {
    BufferedImage rgb = RgbConverter.toRgb(image);
    int width = rgb.getWidth();
    int height = rgb.getHeight();
    return check(rgb.getRGB(0, 0, width, height, null, 0, width), width, height);
  }

  /**
   * The objects in packed 0xRRGGBB pixels, row by row.
   *
   * @throws IllegalArgumentException when the array does not hold {@code width × height} pixels
   */
  public DetectedScene check(int[] rgb, int width, int height) {
    if (width < 1 || height < 1 || rgb.length != width * height) {
      throw new IllegalArgumentException(
          "expected "
              + width
              + " x "
              + height
              + " packed RGB pixels (positive sizes), got an array of "
              + rgb.length);
    }
    int side = Math.min(width, height);
    List<DetectedObject> objects = new ArrayList<>();
    for (ObjectSegmenter.Blob blob : segmenter.segment(rgb, width, height)) {
      ShapeFeatures f = ShapeFeatures.of(blob.pixels(), blob.weights(), width);
      ShapePrototypes.Prototype shape = nearestShape(f);
      double r = Math.sqrt(f.area() / shape.areaPerR2()); // pixels
      double cx = (f.centroidX() + shape.offsetX() * r) / width;
      double cy = (f.centroidY() + shape.offsetY() * r) / height;
      objects.add(
          new DetectedObject(
              PaletteFit.colour(blob.colour()),
              shape.shape(),
              r / side >= SIZE_THRESHOLD ? Size.LARGE : Size.SMALL,
              cellOf(cx, cy),
              cx,
              cy,
              r / side));
    }
    return new DetectedScene(objects);
  }

  private static ShapePrototypes.Prototype nearestShape(ShapeFeatures f) {
    double[] h = ShapePrototypes.harmonics(f);
    ShapePrototypes.Prototype best = null;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (Shape shape : Shape.values()) {
      ShapePrototypes.Prototype p = ShapePrototypes.of(shape);
      double[] q = p.harmonics();
      double hq = 0;
      double qq = 0;
      for (int i = 0; i < h.length; i++) {
        hq += h[i] * q[i];
        qq += q[i] * q[i];
      }
      // Blur and small sizes shrink the harmonics towards the disc's zeros: compare with the
      // prototype scaled by the best factor in [MIN_AMPLITUDE, 1].
      double t = qq > 0 ? Math.min(1, Math.max(MIN_AMPLITUDE, hq / qq)) : 0;
      double d = 0;
      for (int i = 0; i < h.length; i++) {
        double diff = h[i] - t * q[i];
        d += diff * diff;
      }
      if (d < bestDistance) {
        bestDistance = d;
        best = p;
      }
    }
    return best;
  }

  private static GridPosition cellOf(double x, double y) {
    int column = Math.min(GridPosition.GRID - 1, Math.max(0, (int) (x * GridPosition.GRID)));
    int row = Math.min(GridPosition.GRID - 1, Math.max(0, (int) (y * GridPosition.GRID)));
    for (GridPosition cell : GridPosition.values()) {
      if (cell.row() == row && cell.column() == column) {
        return cell;
      }
    }
    throw new IllegalStateException("no grid cell at row " + row + ", column " + column);
  }
}
