package org.dalle.evaluation.blur;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The blur's arithmetic on golden values from PIL 9.4 (Debian bookworm's python3-pil); {@link
 * PilGaussianBlurAgreementTest} compares whole images with PIL itself.
 */
class PilGaussianBlurTest {
  @Test
  void anImpulseSpreadsAsPilSpreadsIt() {
    // Image.new("L", (11, 1)) with 255 in the middle, .filter(ImageFilter.GaussianBlur(r)).
    int[] impulse = new int[11];
    impulse[5] = 255;
    assertArrayEquals(
        new int[] {0, 0, 1, 14, 60, 103, 60, 14, 1, 0, 0},
        PilGaussianBlur.ofRadius(1).plane(impulse, 1, 11));
    assertArrayEquals(
        new int[] {2, 8, 18, 32, 44, 49, 44, 32, 18, 8, 2},
        PilGaussianBlur.ofRadius(2).plane(impulse, 1, 11));
    // Wider than the line: the edge pixels repeat beyond the border.
    assertArrayEquals(
        new int[] {15, 18, 21, 24, 27, 27, 27, 24, 21, 18, 15},
        PilGaussianBlur.ofRadius(3.5).plane(impulse, 1, 11));
    // The same column blurred along y.
    assertArrayEquals(
        new int[] {2, 8, 18, 32, 44, 49, 44, 32, 18, 8, 2},
        PilGaussianBlur.ofRadius(2).plane(impulse, 11, 1));
  }

  @Test
  void aPlaneIsBlurredAlongRowsThenColumnsAsPilDoes() {
    int[] plane = {0, 10, 200, 255, 30, 60, 90, 120, 255, 0, 255, 0};
    assertArrayEquals(
        new int[] {34, 69, 136, 180, 74, 84, 118, 131, 128, 108, 113, 94},
        PilGaussianBlur.ofRadius(1).plane(plane, 3, 4));
  }

  @Test
  void boxRadiiGiveThreePassesTheVarianceOfTheGaussian() {
    // σ = 1: σ²/3 = 1/3, L = √5, l = 0, α = (0 − 1)/(6 (1/3 − 1)) = 1/4.
    assertEquals(0.25f, PilGaussianBlur.ofRadius(1).boxRadius(), 1e-6f);
    // σ = 2: σ²/3 = 4/3, L = √17, l = 1, α = 3 (2 − 4)/(6 (4/3 − 4)) = 3/8.
    assertEquals(1.375f, PilGaussianBlur.ofRadius(2).boxRadius(), 1e-6f);
    for (double sigma : new double[] {0.5, 1, 2, 3.5, 5, 8, 20}) {
      double r = PilGaussianBlur.ofRadius(sigma).boxRadius();
      int l = (int) r;
      double alpha = r - l;
      // Variance of the extended box: Σ k² w(k) with w = 1 inside |k| ≤ l and α at ±(l + 1).
      double weights = 2 * l + 1 + 2 * alpha;
      double moment = 2 * alpha * (l + 1) * (l + 1);
      for (int k = 1; k <= l; k++) {
        moment += 2.0 * k * k;
      }
      assertEquals(sigma * sigma, 3 * moment / weights, 1e-4 * sigma * sigma, "σ = " + sigma);
    }
  }

  @Test
  void radiusZeroIsTheIdentityAndAFlatImageStaysFlat() {
    assertTrue(PilGaussianBlur.ofRadius(0).isIdentity());
    assertTrue(PilGaussianBlur.ofRadius(-0.0).isIdentity());
    int[] plane = {1, 5, 2, 8, 3, 0};
    assertArrayEquals(plane, PilGaussianBlur.ofRadius(0).plane(plane, 2, 3));
    for (double radius : new double[] {0.3, 1, 8, 100}) {
      int[] flat = new int[35];
      for (int value : new int[] {0, 1, 128, 254, 255}) {
        Arrays.fill(flat, value);
        int[] blurred = PilGaussianBlur.ofRadius(radius).plane(flat, 5, 7);
        for (int v : blurred) {
          assertEquals(value, v, "radius " + radius);
        }
      }
    }
  }

  @Test
  void mirroringTheImageMirrorsTheBlur() {
    Random random = new Random(3);
    int height = 9;
    int width = 13;
    int[] plane = new int[height * width];
    for (int i = 0; i < plane.length; i++) {
      plane[i] = random.nextInt(256);
    }
    int[] mirrored = new int[plane.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        mirrored[y * width + x] = plane[y * width + width - 1 - x];
      }
    }
    PilGaussianBlur blur = PilGaussianBlur.ofRadius(2.5);
    int[] a = blur.plane(plane, height, width);
    int[] b = blur.plane(mirrored, height, width);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        assertEquals(a[y * width + x], b[y * width + width - 1 - x], "at " + x + "," + y);
      }
    }
  }

  @Test
  void anImageIsBlurredChannelByChannel() {
    BufferedImage image = new BufferedImage(11, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(5, 0, 0xff0000);
    image.setRGB(0, 0, 0x00ff00);
    BufferedImage blurred = PilGaussianBlur.ofRadius(1).image(image);
    int[] red = {0, 0, 1, 14, 60, 103, 60, 14, 1, 0, 0};
    for (int x = 0; x < 11; x++) {
      assertEquals(red[x], (blurred.getRGB(x, 0) >> 16) & 0xff, "red at " + x);
      assertEquals(0, blurred.getRGB(x, 0) & 0xff, "blue at " + x);
    }
    assertTrue(((blurred.getRGB(0, 0) >> 8) & 0xff) > 128, "green stays near the edge");
  }

  @Test
  void badRadiiAndPlanesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> PilGaussianBlur.ofRadius(-1));
    assertThrows(IllegalArgumentException.class, () -> PilGaussianBlur.ofRadius(Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> PilGaussianBlur.ofRadius(Double.POSITIVE_INFINITY));
    PilGaussianBlur blur = PilGaussianBlur.ofRadius(1);
    assertThrows(IllegalArgumentException.class, () -> blur.plane(new int[5], 2, 3));
    IllegalArgumentException notEightBit =
        assertThrows(IllegalArgumentException.class, () -> blur.plane(new int[] {256}, 1, 1));
    assertTrue(notEightBit.getMessage().contains("256"), notEightBit.getMessage());
  }
}
