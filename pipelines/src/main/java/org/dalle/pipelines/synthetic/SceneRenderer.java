package org.dalle.pipelines.synthetic;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Paints a {@link Scene} as a square RGB image of {@code size} pixels with Java2D: a black
 * background and each object filled, antialiased, in its colour's exact RGB value (pixels fully
 * inside an object carry that value; only edge pixels are blended with the background).
 *
 * <p>Outlines, for an object of half-extent r centred at the origin with y pointing down — all fit
 * in the square box of half-side r, which is what keeps objects in different cells apart:
 *
 * <ul>
 *   <li>circle: radius r;
 *   <li>square: axis-aligned, half-side 0.85 r;
 *   <li>triangle: pointing up, apex (0, −r), base corners (±r, 0.85 r);
 *   <li>diamond: a rhombus like the playing-card suit, vertices (0, ±r) and (±0.6 r, 0); narrower
 *       than it is tall so that a small one at 32 pixels is a spindle, not the plus-shaped blob
 *       that a wider rhombus rasterises to and a small cross also is;
 *   <li>star: five points, one pointing up, outer radius r, inner radius 0.45 r (plump enough to
 *       stay a star at 6 pixels across);
 *   <li>cross: an upright plus sign, arms reaching r with half-width 0.34 r.
 * </ul>
 */
public final class SceneRenderer {
  /** The background colour, black, against which every {@link Colour} (white included) shows. */
  public static final int BACKGROUND = 0x000000;

  /** Smallest image side accepted: below it a small object is under 4 pixels across. */
  public static final int MIN_SIZE = 16;

  private final int size;

  /**
   * @param size side of the rendered image in pixels, at least {@link #MIN_SIZE}
   */
  public SceneRenderer(int size) {
    if (size < MIN_SIZE) {
      throw new IllegalArgumentException(
          "image size must be at least " + MIN_SIZE + " pixels, got " + size);
    }
    this.size = size;
  }

  public int size() {
    return size;
  }

  /** The scene as a {@code TYPE_INT_RGB} image. */
  public BufferedImage render(Scene scene) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setColor(new Color(BACKGROUND));
      g.fillRect(0, 0, size, size);
      for (SceneObject object : scene.objects()) {
        g.setColor(new Color(object.colour().rgb()));
        g.fill(outline(object));
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The scene as PNG file bytes. */
  public byte[] renderPng(Scene scene) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    if (!writers.hasNext()) {
      throw new IllegalStateException("no ImageIO writer for PNG on this JVM");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    // An in-memory stream: ImageIO.write would buffer through a temporary file by default,
    // which made encoding over three times slower.
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(png)) {
      writer.setOutput(out);
      writer.write(render(scene));
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a synthetic scene as PNG failed", e);
    } finally {
      writer.dispose();
    }
    return png.toByteArray();
  }

  /** The object's filled outline in pixel coordinates. */
  java.awt.Shape outline(SceneObject object) {
    double cx = object.x() * size;
    double cy = object.y() * size;
    double r = object.size().halfExtent() * size;
    return switch (object.shape()) {
      case CIRCLE -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
      case SQUARE -> new Rectangle2D.Double(cx - 0.85 * r, cy - 0.85 * r, 1.7 * r, 1.7 * r);
      case TRIANGLE -> polygon(cx, cy, r, new double[] {0, -1, 1, 0.85, -1, 0.85});
      case DIAMOND -> polygon(cx, cy, r, new double[] {0, -1, 0.6, 0, 0, 1, -0.6, 0});
      case STAR -> star(cx, cy, r);
      case CROSS -> cross(cx, cy, r);
    };
  }

  /** A polygon from (x, y) pairs given in units of r around the centre. */
  private static Path2D polygon(double cx, double cy, double r, double[] xy) {
    Path2D.Double path = new Path2D.Double();
    path.moveTo(cx + xy[0] * r, cy + xy[1] * r);
    for (int i = 2; i < xy.length; i += 2) {
      path.lineTo(cx + xy[i] * r, cy + xy[i + 1] * r);
    }
    path.closePath();
    return path;
  }

  private static Path2D star(double cx, double cy, double r) {
    double[] xy = new double[20];
    for (int k = 0; k < 10; k++) {
      double radius = k % 2 == 0 ? 1.0 : 0.45;
      double angle = -Math.PI / 2 + k * Math.PI / 5; // first point straight up
      xy[2 * k] = radius * Math.cos(angle);
      xy[2 * k + 1] = radius * Math.sin(angle);
    }
    return polygon(cx, cy, r, xy);
  }

  private static Path2D cross(double cx, double cy, double r) {
    double w = 0.34;
    return polygon(
        cx,
        cy,
        r,
        new double[] {
          -w, -1, w, -1, w, -w, 1, -w, 1, w, w, w, w, 1, -w, 1, -w, w, -1, w, -1, -w, -w, -w
        });
  }
}
