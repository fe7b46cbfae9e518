package org.dalle.models.dvae;

/**
 * Small synthetic test images: one flat-coloured shape (square, disc, triangle or cross) on a plain
 * background, as float pixels in [0, 1], laid out (C, H, W).
 */
final class ShapeImages {

  private static final float[][] COLOURS = {
    {0.9f, 0.1f, 0.1f}, {0.1f, 0.8f, 0.2f}, {0.2f, 0.3f, 0.9f}, {0.95f, 0.85f, 0.1f}
  };
  private static final float[][] BACKGROUNDS = {
    {0.15f, 0.15f, 0.15f}, {0.85f, 0.85f, 0.8f}, {0.3f, 0.2f, 0.35f}, {0.6f, 0.7f, 0.75f}
  };

  private ShapeImages() {}

  /** {@code count} images of {@code size}×{@code size}, concatenated (B, 3, size, size). */
  static float[] batch(int count, int size) {
    float[] pixels = new float[count * 3 * size * size];
    for (int i = 0; i < count; i++) {
      float[] image = render(i, size);
      System.arraycopy(image, 0, pixels, i * image.length, image.length);
    }
    return pixels;
  }

  /** Image {@code index}: shape, colour and background cycle through four choices each. */
  static float[] render(int index, int size) {
    float[] colour = COLOURS[index % 4];
    float[] background = BACKGROUNDS[(index / 4 + index) % 4];
    int shape = index % 4;
    float[] pixels = new float[3 * size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        float u = (x + 0.5f) / size - 0.5f;
        float v = (y + 0.5f) / size - 0.5f;
        boolean inside =
            switch (shape) {
              case 0 -> Math.abs(u) < 0.3f && Math.abs(v) < 0.3f;
              case 1 -> u * u + v * v < 0.35f * 0.35f;
              case 2 -> v > -0.3f && v < 0.3f && Math.abs(u) < (v + 0.3f) / 1.2f;
              default ->
                  (Math.abs(u) < 0.1f || Math.abs(v) < 0.1f)
                      && Math.max(Math.abs(u), Math.abs(v)) < 0.4f;
            };
        float[] rgb = inside ? colour : background;
        for (int c = 0; c < 3; c++) {
          pixels[(c * size + y) * size + x] = rgb[c];
        }
      }
    }
    return pixels;
  }
}
