package org.dalle.evaluation.compositional;

import java.awt.image.BufferedImage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dalle.pipelines.synthetic.Colour;
import org.dalle.pipelines.synthetic.GridPosition;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneObject;
import org.dalle.pipelines.synthetic.SceneRenderer;
import org.dalle.pipelines.synthetic.Shape;
import org.dalle.pipelines.synthetic.Size;
import org.dalle.pipelines.synthetic.SyntheticSplit;

/**
 * What each {@link Shape} looks like to the {@link ShapeFeatures}: measured once on the renderer's
 * own outlines, each drawn large in the centre of a {@value #SIDE}-pixel image, so the checker
 * follows the renderer if an outline ever changes. Per shape it keeps
 *
 * <ul>
 *   <li>the angular harmonics, the point the shape classifier measures distances from;
 *   <li>the area in units of the squared half-extent r², which turns a measured area into r and so
 *       into a {@link Size} whatever the shape;
 *   <li>the offset from the centroid to the centre of the object's box in units of r (non-zero only
 *       for the triangle, whose centroid lies below its box centre), which turns a centroid into
 *       the object centre that positions and relations are defined on.
 * </ul>
 */
final class ShapePrototypes {
  /** Image side the prototypes are measured at: large enough for sub-percent accuracy. */
  static final int SIDE = 256;

  /** One shape's measured signature. */
  record Prototype(
      Shape shape, double[] harmonics, double areaPerR2, double offsetX, double offsetY) {}

  private static final Map<Shape, Prototype> PROTOTYPES = measure();

  private ShapePrototypes() {}

  static Prototype of(Shape shape) {
    return PROTOTYPES.get(shape);
  }

  /** The harmonics of features as one vector: re and im of h_2..h_5, interleaved. */
  static double[] harmonics(ShapeFeatures f) {
    double[] h = new double[2 * (ShapeFeatures.MAX_ORDER - 1)];
    for (int k = 2; k <= ShapeFeatures.MAX_ORDER; k++) {
      h[2 * (k - 2)] = f.re(k);
      h[2 * (k - 2) + 1] = f.im(k);
    }
    return h;
  }

  private static Map<Shape, Prototype> measure() {
    SceneRenderer renderer = new SceneRenderer(SIDE);
    ObjectSegmenter segmenter = new ObjectSegmenter(CheckerSettings.DEFAULT);
    Map<Shape, Prototype> prototypes = new EnumMap<>(Shape.class);
    for (Shape shape : Shape.values()) {
      SceneObject object =
          new SceneObject(Colour.WHITE, shape, Size.LARGE, GridPosition.CENTRE, 0.5, 0.5);
      Scene scene =
          new Scene(Scene.Kind.SINGLE, SyntheticSplit.TRAIN, List.of(object), Optional.empty());
      BufferedImage image = renderer.render(scene);
      int[] rgb = image.getRGB(0, 0, SIDE, SIDE, null, 0, SIDE);
      List<ObjectSegmenter.Blob> blobs = segmenter.segment(rgb, SIDE, SIDE);
      if (blobs.size() != 1) {
        throw new IllegalStateException(
            "measuring the " + shape.word() + " prototype found " + blobs.size() + " objects");
      }
      ObjectSegmenter.Blob blob = blobs.get(0);
      ShapeFeatures f = ShapeFeatures.of(blob.pixels(), blob.weights(), SIDE);
      double r = Size.LARGE.halfExtent() * SIDE;
      prototypes.put(
          shape,
          new Prototype(
              shape,
              harmonics(f),
              f.area() / (r * r),
              (0.5 * SIDE - f.centroidX()) / r,
              (0.5 * SIDE - f.centroidY()) / r));
    }
    return prototypes;
  }
}
