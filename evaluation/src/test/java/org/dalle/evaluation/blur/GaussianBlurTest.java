package org.dalle.evaluation.blur;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class GaussianBlurTest {
  @Test
  void kernelsAreNormalisedSymmetricAndThreeSigmaWide() {
    for (int radius = 1; radius <= 8; radius++) {
      double[] w = GaussianKernel.ofRadius(radius).weights();
      assertEquals(6 * radius + 1, w.length);
      double sum = 0;
      for (int i = 0; i < w.length; i++) {
        sum += w[i];
        assertEquals(w[i], w[w.length - 1 - i], 0.0, "symmetric at " + i);
        if (i > 0 && i <= w.length / 2) {
          assertTrue(w[i] > w[i - 1], "increasing towards the centre");
        }
      }
      assertEquals(1.0, sum, 1e-12);
    }
    // radius 1: exp(-x²/2) at 0, 1, 2, 3, normalised by 1 + 2(e^-½ + e^-2 + e^-4.5)
    double norm = 1 + 2 * (Math.exp(-0.5) + Math.exp(-2) + Math.exp(-4.5));
    double[] w = GaussianKernel.ofRadius(1).weights();
    assertEquals(1 / norm, w[3], 1e-15);
    assertEquals(Math.exp(-0.5) / norm, w[2], 1e-15);
    assertEquals(Math.exp(-4.5) / norm, w[0], 1e-15);
  }

  @Test
  void radiusZeroIsTheIdentity() {
    assertArrayEquals(new double[] {1}, GaussianKernel.ofRadius(0).weights());
    float[] plane = {1, 5, 2, 8, 3, 0};
    assertArrayEquals(plane, GaussianBlur.plane(plane, 2, 3, GaussianKernel.ofRadius(0)));
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0x102030);
    image.setRGB(1, 0, 0xffee01);
    BufferedImage same = GaussianBlur.image(image, GaussianKernel.ofRadius(0));
    assertEquals(0x102030, same.getRGB(0, 0) & 0xffffff);
    assertEquals(0xffee01, same.getRGB(1, 0) & 0xffffff);
  }

  @Test
  void anImpulseSpreadsIntoTheOuterProductOfTheKernelAndAFlatImageStaysFlat() {
    int size = 9;
    float[] impulse = new float[size * size];
    impulse[4 * size + 4] = 1;
    GaussianKernel kernel = GaussianKernel.ofRadius(1);
    float[] blurred = GaussianBlur.plane(impulse, size, size, kernel);
    double[] w = kernel.weights();
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int dy = y - 4;
        int dx = x - 4;
        double expected = Math.abs(dx) <= 3 && Math.abs(dy) <= 3 ? w[dy + 3] * w[dx + 3] : 0.0;
        assertEquals(expected, blurred[y * size + x], 1e-7);
      }
    }
    float[] flat = new float[20];
    java.util.Arrays.fill(flat, 0.3f);
    for (float value : GaussianBlur.plane(flat, 4, 5, GaussianKernel.ofRadius(3))) {
      assertEquals(0.3f, value, 1e-6f);
    }
  }

  @Test
  void blurringAnImageSmoothsAnEdgeInEachChannel() {
    BufferedImage image = new BufferedImage(8, 2, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < 8; x++) {
      for (int y = 0; y < 2; y++) {
        image.setRGB(x, y, x < 4 ? 0xff0000 : 0x0000ff);
      }
    }
    BufferedImage blurred = GaussianBlur.image(image, GaussianKernel.ofRadius(2));
    int left = blurred.getRGB(3, 0);
    int right = blurred.getRGB(4, 0);
    assertTrue(((left >> 16) & 0xff) < 255 && ((left >> 16) & 0xff) > 128);
    assertTrue((right & 0xff) < 255 && (right & 0xff) > 128);
    assertEquals(0, (left >> 8) & 0xff);
  }

  @Test
  void negativeRadiusIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> GaussianKernel.ofRadius(-1));
    assertThrows(IllegalArgumentException.class, () -> GaussianKernel.ofRadius(Double.NaN));
  }
}
