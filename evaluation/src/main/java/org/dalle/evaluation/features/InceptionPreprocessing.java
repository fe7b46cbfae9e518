package org.dalle.evaluation.features;

import java.awt.image.BufferedImage;

/**
 * Turns an image into the input of the FID Inception network as pytorch-fid does: RGB scaled to [0,
 * 1] ({@code ToTensor}), resized bilinearly to {@code size × size} ({@link BilinearResize}, 299 for
 * Inception-v3), then mapped to [−1, 1] by 2x − 1. The result is channel-major (3, size, size).
 */
public final class InceptionPreprocessing {
  /** Inception-v3's input side. */
  public static final int INCEPTION_SIZE = 299;

  private InceptionPreprocessing() {}

  /** The (3, size, size) input for one image, flattened channel-major. */
  public static float[] toInput(BufferedImage image, int size) {
    int width = image.getWidth();
    int height = image.getHeight();
    int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
    float[] input = new float[3 * size * size];
    for (int channel = 0; channel < 3; channel++) {
      int shift = 16 - 8 * channel;
      float[] plane = new float[rgb.length];
      for (int i = 0; i < rgb.length; i++) {
        plane[i] = ((rgb[i] >> shift) & 0xff) / 255f;
      }
      float[] resized =
          width == size && height == size
              ? plane
              : BilinearResize.plane(plane, height, width, size, size);
      for (int i = 0; i < resized.length; i++) {
        input[channel * size * size + i] = 2 * resized[i] - 1;
      }
    }
    return input;
  }
}
