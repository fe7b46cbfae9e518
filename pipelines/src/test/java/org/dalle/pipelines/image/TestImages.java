package org.dalle.pipelines.image;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Generated fixtures: photo-like pictures and their encodings. */
final class TestImages {
  private TestImages() {}

  /**
   * A deterministic photo-like picture: smooth colour gradients, a dozen translucent antialiased
   * shapes and Gaussian noise (σ = 6 per channel).
   */
  static BufferedImage photoLike(int width, int height, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    double[][] wave = new double[3][4];
    for (double[] channel : wave) {
      for (int i = 0; i < channel.length; i++) {
        channel[i] = random.nextDouble();
      }
    }
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double u = (double) x / width;
        double v = (double) y / height;
        int rgb = 0;
        for (double[] c : wave) {
          double value =
              128
                  + 70 * Math.sin(2 * Math.PI * (c[0] * 2 * u + c[1] * v + c[2]))
                  + 40 * Math.cos(2 * Math.PI * (c[3] * 3 * v - c[0] * u));
          rgb = (rgb << 8) | clamp((int) Math.round(value));
        }
        image.setRGB(x, y, rgb);
      }
    }
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    int scale = Math.min(width, height);
    for (int i = 0; i < 12; i++) {
      g.setComposite(
          AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.6f + 0.4f * random.nextFloat()));
      g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
      double x = random.nextDouble() * width;
      double y = random.nextDouble() * height;
      double w = (0.1 + 0.3 * random.nextDouble()) * scale;
      double h = (0.1 + 0.3 * random.nextDouble()) * scale;
      switch (i % 3) {
        case 0 -> g.fill(new Ellipse2D.Double(x - w / 2, y - h / 2, w, h));
        case 1 -> g.fill(new Rectangle2D.Double(x - w / 2, y - h / 2, w, h));
        default -> {
          g.setStroke(new BasicStroke((float) (0.02 * scale + 1)));
          g.draw(new Ellipse2D.Double(x - w / 2, y - h / 2, w, h));
        }
      }
    }
    g.dispose();
    int[] pixels = RgbConverter.intPixels(image);
    for (int i = 0; i < pixels.length; i++) {
      int p = pixels[i];
      int r = clamp(((p >> 16) & 0xFF) + (int) Math.round(6 * random.nextGaussian()));
      int gr = clamp(((p >> 8) & 0xFF) + (int) Math.round(6 * random.nextGaussian()));
      int b = clamp((p & 0xFF) + (int) Math.round(6 * random.nextGaussian()));
      pixels[i] = (r << 16) | (gr << 8) | b;
    }
    return image;
  }

  /** A {@code TYPE_INT_RGB} image filled with one colour. */
  static BufferedImage filled(int width, int height, int rgb) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    java.util.Arrays.fill(RgbConverter.intPixels(image), rgb);
    return image;
  }

  /** {@code image} written by ImageIO in {@code format} (png, bmp, gif, jpeg). */
  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format + " and " + image);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code image} as a baseline JPEG of the given quality (0..1). */
  static byte[] jpeg(BufferedImage image, float quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** Mean absolute difference per channel between two images of the same size. */
  static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
    int[] pa = RgbConverter.intPixels(a);
    int[] pb = RgbConverter.intPixels(b);
    if (pa.length != pb.length) {
      throw new IllegalArgumentException("sizes differ: " + pa.length + " vs " + pb.length);
    }
    long sum = 0;
    for (int i = 0; i < pa.length; i++) {
      for (int shift = 0; shift <= 16; shift += 8) {
        sum += Math.abs(((pa[i] >> shift) & 0xFF) - ((pb[i] >> shift) & 0xFF));
      }
    }
    return sum / (3.0 * pa.length);
  }

  static int red(int rgb) {
    return (rgb >> 16) & 0xFF;
  }

  static int green(int rgb) {
    return (rgb >> 8) & 0xFF;
  }

  static int blue(int rgb) {
    return rgb & 0xFF;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
