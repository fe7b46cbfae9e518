package org.dalle.pipelines.prepare;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

/** Small real inputs for the prepare tests: photo-like images, their variants, bad files. */
final class Fixtures {
  private Fixtures() {}

  /** A photo-like image: gradient background, overlapping shapes, mild noise. */
  static BufferedImage photo(int width, int height, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, color(random), width, height, color(random)));
    g.fillRect(0, 0, width, height);
    for (int s = 0; s < 8; s++) {
      g.setColor(color(random));
      int w = width / 6 + random.nextInt(width / 2);
      int h = height / 6 + random.nextInt(height / 2);
      g.fillOval(random.nextInt(width) - w / 2, random.nextInt(height) - h / 2, w, h);
    }
    g.dispose();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = image.getRGB(x, y);
        int n = (int) (random.nextGaussian() * 3);
        image.setRGB(
            x,
            y,
            (clamp(((rgb >> 16) & 255) + n) << 16)
                | (clamp(((rgb >> 8) & 255) + n) << 8)
                | clamp((rgb & 255) + n));
      }
    }
    return image;
  }

  /** A near-duplicate as found in the wild: cropped by {@code crop} per side, rescaled, JPEG'd. */
  static byte[] nearDuplicateJpeg(
      BufferedImage original, double crop, double scale, float quality) {
    int dx = (int) Math.round(original.getWidth() * crop);
    int dy = (int) Math.round(original.getHeight() * crop);
    BufferedImage cropped =
        original.getSubimage(dx, dy, original.getWidth() - 2 * dx, original.getHeight() - 2 * dy);
    int w = (int) Math.round(cropped.getWidth() * scale);
    int h = (int) Math.round(cropped.getHeight() * scale);
    BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(cropped, 0, 0, w, h, null);
    g.dispose();
    return jpeg(scaled, quality);
  }

  static byte[] png(BufferedImage image) {
    return encode(image, "png");
  }

  static byte[] jpeg(BufferedImage image, float quality) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.setOutput(ImageIO.createImageOutputStream(out));
      writer.write(null, new IIOImage(image, null, null), param);
      writer.dispose();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] truncated(byte[] bytes) {
    return Arrays.copyOf(bytes, bytes.length / 2);
  }

  static BufferedImage solid(int width, int height, Color color) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return image;
  }

  /** Writes {@code name} (and {@code name-without-extension.txt} when caption is not null). */
  static void write(Path dir, String name, byte[] image, String caption) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(name), image);
      if (caption != null) {
        String base = name.substring(0, name.lastIndexOf('.'));
        Files.writeString(dir.resolve(base + ".txt"), caption, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] encode(BufferedImage image, String format) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Color color(Random random) {
    return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
