package org.dalle.pipelines.image;

import static org.dalle.pipelines.image.TestImages.blue;
import static org.dalle.pipelines.image.TestImages.green;
import static org.dalle.pipelines.image.TestImages.red;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Shorter side to the target, centre square kept, no aliasing when shrinking. */
class SquareResizerTest {

  @ParameterizedTest
  @EnumSource(ResampleFilter.class)
  void outputIsTheTargetSquareForAnyShape(ResampleFilter filter) {
    int[][] shapes = {{1024, 768}, {768, 1024}, {300, 300}, {97, 41}, {10, 20}, {1, 1}, {5000, 3}};
    for (int[] shape : shapes) {
      BufferedImage out =
          SquareResizer.resizeAndCenterCrop(
              TestImages.photoLike(shape[0], shape[1], 1), 64, filter);
      assertEquals(BufferedImage.TYPE_INT_RGB, out.getType());
      assertEquals(64, out.getWidth(), shape[0] + "x" + shape[1]);
      assertEquals(64, out.getHeight(), shape[0] + "x" + shape[1]);
    }
  }

  @ParameterizedTest
  @EnumSource(ResampleFilter.class)
  void constantImageStaysExactlyConstantDownAndUp(ResampleFilter filter) {
    for (int[] shape : new int[][] {{640, 480}, {33, 47}, {7, 5}}) {
      BufferedImage out =
          SquareResizer.resizeAndCenterCrop(
              TestImages.filled(shape[0], shape[1], 0x4080C0), 32, filter);
      for (int p : RgbConverter.intPixels(out)) {
        assertEquals(0x4080C0, p, shape[0] + "x" + shape[1]);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ResampleFilter.class)
  void shrinkingAOnePixelCheckerboardGivesUniformGrey(ResampleFilter filter) {
    // Point sampling would keep one colour of the checkerboard (all black or all white); a filter
    // stretched by the downscale factor averages the pattern away.
    BufferedImage checkerboard = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        checkerboard.setRGB(x, y, (x + y) % 2 == 0 ? 0xFFFFFF : 0x000000);
      }
    }
    BufferedImage out = SquareResizer.resizeAndCenterCrop(checkerboard, 64, filter);
    for (int p : RgbConverter.intPixels(out)) {
      assertTrue(Math.abs(red(p) - 127.5) < 6, filter + ": " + red(p));
      assertEquals(red(p), green(p));
      assertEquals(red(p), blue(p));
    }
    // Also for a factor that is not a whole number.
    BufferedImage odd = SquareResizer.resizeAndCenterCrop(checkerboard, 75, filter);
    for (int p : RgbConverter.intPixels(odd)) {
      assertTrue(Math.abs(red(p) - 127.5) < 20, filter + " at 256/75: " + red(p));
    }
  }

  @ParameterizedTest
  @EnumSource(ResampleFilter.class)
  void wideImageLosesItsColouredLeftThirdToTheCrop(ResampleFilter filter) {
    BufferedImage wide = TestImages.filled(300, 100, 0x0000FF);
    BufferedImage tall = TestImages.filled(100, 300, 0x0000FF);
    for (int y = 0; y < 100; y++) {
      for (int x = 0; x < 100; x++) {
        wide.setRGB(x, y, 0xFF0000);
        tall.setRGB(y, x, 0xFF0000); // top third of the tall image
      }
    }
    for (BufferedImage image : new BufferedImage[] {wide, tall}) {
      BufferedImage out = SquareResizer.resizeAndCenterCrop(image, 50, filter);
      long redSum = 0;
      for (int p : RgbConverter.intPixels(out)) {
        // Lanczos taps may reach a few source pixels past the crop edge, hence no exact zero.
        assertTrue(red(p) < 40, filter + ": red " + red(p));
        assertTrue(blue(p) > 200, filter + ": blue " + blue(p));
        redSum += red(p);
      }
      assertTrue(redSum / 2500.0 < 3, filter + ": mean red " + redSum / 2500.0);
    }
  }

  @Test
  void centreOfTheImageStaysInTheCentre() {
    BufferedImage image = TestImages.filled(400, 200, 0xFFFFFF);
    for (int y = 90; y < 110; y++) {
      for (int x = 190; x < 210; x++) {
        image.setRGB(x, y, 0x000000);
      }
    }
    BufferedImage out = SquareResizer.resizeAndCenterCrop(image, 100);
    assertEquals(0, red(out.getRGB(50, 50)));
    assertEquals(0, red(out.getRGB(49, 49)));
    assertEquals(255, red(out.getRGB(10, 50)));
    assertEquals(255, red(out.getRGB(50, 10)));
  }

  @Test
  void upscalingInterpolatesSmoothly() {
    BufferedImage ramp = new BufferedImage(4, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 4; x++) {
        ramp.setRGB(x, y, (x * 80) * 0x010101);
      }
    }
    BufferedImage out = SquareResizer.resizeAndCenterCrop(ramp, 16, ResampleFilter.TRIANGLE);
    for (int x = 1; x < 16; x++) {
      assertTrue(red(out.getRGB(x, 8)) >= red(out.getRGB(x - 1, 8)), "monotonic at x=" + x);
    }
    assertEquals(0, red(out.getRGB(0, 8)));
    assertEquals(240, red(out.getRGB(15, 8)));
    // Output centres 7.5 and 8.5 map to source 1.875 and 2.125: 3/8 of the way to a neighbour.
    assertEquals(110, red(out.getRGB(7, 8)));
    assertEquals(130, red(out.getRGB(8, 8)));
  }

  @Test
  void rejectsNonRgbImagesAndBadSizes() {
    BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
    assertThrows(IllegalArgumentException.class, () -> SquareResizer.resizeAndCenterCrop(argb, 2));
    BufferedImage rgb = TestImages.filled(4, 4, 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SquareResizer.resizeAndCenterCrop(rgb, 0));
    assertTrue(e.getMessage().contains("0"), e.getMessage());
  }
}
