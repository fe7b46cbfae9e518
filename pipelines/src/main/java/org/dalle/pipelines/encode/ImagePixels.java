package org.dalle.pipelines.encode;

import java.awt.image.BufferedImage;

/**
 * The dVAE's view of an image: 8-bit RGB samples scaled to [0, 1] and laid out channel-first,
 * {@code (3, H, W)} in row-major order, the layout the training job feeds the model.
 */
public final class ImagePixels {

  private ImagePixels() {}

  /** The pixels of {@code image} as {@code (3, H, W)} floats in [0, 1]. */
  public static float[] channelsFirst(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    int plane = width * height;
    float[] pixels = new float[3 * plane];
    int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
    for (int i = 0; i < plane; i++) {
      pixels[i] = ((rgb[i] >> 16) & 0xff) / 255f;
      pixels[i + plane] = ((rgb[i] >> 8) & 0xff) / 255f;
      pixels[i + 2 * plane] = (rgb[i] & 0xff) / 255f;
    }
    return pixels;
  }
}
