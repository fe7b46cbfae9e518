package org.dalle.jobs.dvae;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dalle.jobs.train.ImageGrid;

/**
 * {@code reconstructions.png}: originals on top and their reconstructions below, as in Figure 1 of
 * the paper, upscaled so that small images stay visible.
 */
final class ReconstructionFigure {

  /** Cells are upscaled to at least this many pixels on a side. */
  static final int MIN_CELL = 96;

  private ReconstructionFigure() {}

  /**
   * @param originals {@code (N, 3, S, S)} in [0, 1]
   * @param reconstructions the same layout
   */
  static void write(Path file, float[] originals, float[] reconstructions, int count, int size)
      throws IOException {
    int scale = Math.max(1, (MIN_CELL + size - 1) / size);
    new ImageGrid()
        .addRow("original", images(originals, count, size))
        .addRow("dVAE", images(reconstructions, count, size))
        .optScale(scale)
        .writePng(file);
  }

  /** Channel-major float images to RGB images, clamped to [0, 1] and rounded. */
  static List<BufferedImage> images(float[] pixels, int count, int size) {
    int plane = size * size;
    List<BufferedImage> images = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      int base = i * 3 * plane;
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          int at = base + y * size + x;
          int r = toByte(pixels[at]);
          int g = toByte(pixels[at + plane]);
          int b = toByte(pixels[at + 2 * plane]);
          image.setRGB(x, y, (r << 16) | (g << 8) | b);
        }
      }
      images.add(image);
    }
    return images;
  }

  private static int toByte(float value) {
    return Math.round(Math.min(1f, Math.max(0f, value)) * 255f);
  }
}
