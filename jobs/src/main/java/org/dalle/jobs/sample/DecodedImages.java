package org.dalle.jobs.sample;

import java.awt.image.BufferedImage;

/**
 * The dVAE's decoded pixels as the 8-bit images the job writes: clamped to [0, 1] and rounded to
 * the nearest of 256 levels. The reranker scores these rounded pixels, so a score can be recomputed
 * from the PNG a {@code Sample} record holds.
 */
final class DecodedImages {

  private DecodedImages() {}

  /** Channel-major floats, {@code (3, S, S)}, as an RGB image. */
  static BufferedImage toImage(float[] pixels, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int at = y * size + x;
        int r = toByte(pixels[at]);
        int g = toByte(pixels[at + plane]);
        int b = toByte(pixels[at + 2 * plane]);
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  private static int toByte(float value) {
    return Math.round(Math.min(1f, Math.max(0f, value)) * 255f);
  }
}
