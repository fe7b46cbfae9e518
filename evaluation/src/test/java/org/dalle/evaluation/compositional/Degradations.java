package org.dalle.evaluation.compositional;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Lossy versions of a render, standing in for what a dVAE round trip or a sampler produces. */
final class Degradations {
  private Degradations() {}

  /** A separable Gaussian blur of standard deviation {@code sigma} pixels, edges clamped. */
  static BufferedImage blur(BufferedImage image, double sigma) {
    int radius = (int) Math.ceil(3 * sigma);
    double[] kernel = new double[2 * radius + 1];
    double total = 0;
    for (int i = -radius; i <= radius; i++) {
      kernel[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
      total += kernel[i + radius];
    }
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] /= total;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
    double[][] planes = new double[3][w * h];
    for (int i = 0; i < w * h; i++) {
      planes[0][i] = (rgb[i] >>> 16) & 0xFF;
      planes[1][i] = (rgb[i] >>> 8) & 0xFF;
      planes[2][i] = rgb[i] & 0xFF;
    }
    for (double[] plane : planes) {
      double[] across = new double[w * h];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double v = 0;
          for (int k = -radius; k <= radius; k++) {
            v += kernel[k + radius] * plane[y * w + Math.min(w - 1, Math.max(0, x + k))];
          }
          across[y * w + x] = v;
        }
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double v = 0;
          for (int k = -radius; k <= radius; k++) {
            v += kernel[k + radius] * across[Math.min(h - 1, Math.max(0, y + k)) * w + x];
          }
          plane[y * w + x] = v;
        }
      }
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < w * h; i++) {
      rgb[i] = (channel(planes[0][i]) << 16) | (channel(planes[1][i]) << 8) | channel(planes[2][i]);
    }
    out.setRGB(0, 0, w, h, rgb, 0, w);
    return out;
  }

  /** The image after a JPEG round trip at {@code quality} in [0, 1] (ImageIO's encoder). */
  static BufferedImage jpeg(BufferedImage image, float quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, null), param);
      } finally {
        writer.dispose();
      }
      return ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int channel(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
