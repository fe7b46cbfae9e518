package org.dalle.evaluation.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Hand-computed values of bilinear resizing with align_corners=False (PyTorch's convention). */
class BilinearResizeTest {
  @Test
  void upsamplesTwoByTwoToFourByFour() {
    // Output i samples s = (i + ½)/2 − ½ = −¼ (→ 0), ¼, ¾, 1¼ (→ pixel 1 twice).
    // Row 0 = [0, ¾·0 + ¼·1, ¼·0 + ¾·1, 1]; row 1 = ¾·row 0 + ¼·[2, 2¼, 2¾, 3]; and so on.
    float[] out = BilinearResize.plane(new float[] {0, 1, 2, 3}, 2, 2, 4, 4);
    assertArrayEquals(
        new float[] {
          0.00f, 0.25f, 0.75f, 1.00f,
          0.50f, 0.75f, 1.25f, 1.50f,
          1.50f, 1.75f, 2.25f, 2.50f,
          2.00f, 2.25f, 2.75f, 3.00f
        },
        out,
        1e-6f);
  }

  @Test
  void downsamplesWithoutAntialiasing() {
    // 4 → 2: s = 2(i + ½) − ½ = ½, 2½: the means of pixels (0, 1) and (2, 3).
    assertArrayEquals(
        new float[] {0.5f, 2.5f}, BilinearResize.plane(new float[] {0, 1, 2, 3}, 1, 4, 1, 2));
    // 3 → 2: s = 1.5(i + ½) − ½ = ¼, 1¾: ¾·0 + ¼·4 = 1 and ¼·4 + ¾·8 = 7.
    assertArrayEquals(
        new float[] {1f, 7f}, BilinearResize.plane(new float[] {0, 4, 8}, 1, 3, 1, 2));
  }

  @Test
  void preprocessingScalesToMinusOneOneChannelMajor() {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xff0000); // red
    image.setRGB(1, 0, 0x00ff80); // green, half blue
    float[] input = InceptionPreprocessing.toInput(image, 4);
    assertEquals(3 * 16, input.length);
    // Red channel along a row: 1, ¾·1 + ¼·0, ¼·1 + ¾·0, 0 → mapped by 2x − 1.
    assertArrayEquals(new float[] {1f, 0.5f, -0.5f, -1f}, slice(input, 0, 4), 1e-6f);
    assertArrayEquals(new float[] {-1f, -0.5f, 0.5f, 1f}, slice(input, 16, 4), 1e-6f);
    float half = 2 * (128 / 255f) - 1;
    assertEquals(half, input[32 + 3], 1e-6f);
    assertEquals(-1f, input[32], 1e-6f);
  }

  private static float[] slice(float[] values, int from, int length) {
    float[] out = new float[length];
    System.arraycopy(values, from, out, 0, length);
    return out;
  }
}
