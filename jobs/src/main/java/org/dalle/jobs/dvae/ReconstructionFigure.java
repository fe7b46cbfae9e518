package org.dalle.jobs.dvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dalle.jobs.train.ImageGrid;
import org.dalle.models.dvae.DiscreteVae;

/**
 * {@code reconstructions.png}: originals on top and their reconstructions below, as in Figure 1 of
 * the paper, upscaled so that small images stay visible.
 */
final class ReconstructionFigure {

  /** Cells are upscaled to at least this many pixels on a side. */
  static final int MIN_CELL = 96;

  private ReconstructionFigure() {}

  /**
   * Writes the centre crops of {@code heldOut} and their reconstructions by {@code model} with its
   * current weights; returns their MSE.
   */
  static double write(Path file, TrainingImages heldOut, DiscreteVae model, NDManager base)
      throws IOException {
    int count = heldOut.count();
    int size = heldOut.crop();
    float[] originals = heldOut.centreCrops();
    float[] reconstructions;
    try (NDManager scope = base.newSubManager()) {
      NDArray images = scope.create(originals, new Shape(count, 3, size, size));
      reconstructions = model.reconstruct(images).toFloatArray();
    }
    write(file, originals, reconstructions, count, size);
    double sum = 0;
    for (int i = 0; i < originals.length; i++) {
      double difference = reconstructions[i] - originals[i];
      sum += difference * difference;
    }
    return sum / originals.length;
  }

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
