package org.dalle.pipelines.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * WebP, common in scraped data, decodes through the TwelveMonkeys plugin: lossless exactly, lossy
 * close to the original, and alpha over white like every other format. The fixtures were written by
 * Pillow ({@code make_webp_fixtures.py} beside them) from the pattern {@link #pattern} spells.
 */
class WebpDecodingTest {
  private static final int WIDTH = 24;
  private static final int HEIGHT = 16;

  private final ImageDecoder decoder = new ImageDecoder(10_000_000);

  @Test
  void losslessWebpDecodesToExactlyThePattern() throws Exception {
    BufferedImage decoded = decoder.decode(fixture("pattern-lossless.webp"));

    assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType());
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        assertEquals(pattern(x, y), decoded.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void lossyWebpDecodesCloseToThePattern() throws Exception {
    BufferedImage decoded = decoder.decode(fixture("pattern-lossy.webp"));

    assertEquals(WIDTH, decoded.getWidth());
    assertEquals(HEIGHT, decoded.getHeight());
    // Measured: 5.1 levels here, 2.3 through libwebp (Pillow); the JPEG test allows 8 as well.
    double error = TestImages.meanAbsoluteDifference(patternImage(), decoded);
    assertTrue(error < 8, "mean absolute error " + error);
  }

  @Test
  void transparentWebpPixelsBecomeWhite() throws Exception {
    BufferedImage decoded = decoder.decode(fixture("pattern-alpha.webp"));

    for (int y = 0; y < HEIGHT; y++) {
      for (int x = WIDTH / 2; x < WIDTH; x++) {
        assertEquals(0xFFFFFF, decoded.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
      }
    }
    double error = TestImages.meanAbsoluteDifference(leftHalf(patternImage()), leftHalf(decoded));
    assertTrue(error < 8, "mean absolute error of the opaque half " + error);
  }

  @Test
  void webpDimensionsComeFromTheHeader() throws Exception {
    ImageDimensions dimensions = ImageDecoder.readDimensions(fixture("pattern-lossy.webp"));

    assertEquals(new ImageDimensions(WIDTH, HEIGHT, "webp"), dimensions);
  }

  @Test
  void truncatedWebpIsRejectedAsTruncated() throws Exception {
    byte[] webp = fixture("pattern-lossy.webp");

    ImageRejectedException e =
        assertThrows(
            ImageRejectedException.class,
            () -> decoder.decode(Arrays.copyOf(webp, webp.length / 2)));
    assertEquals(ImageRejectedException.TRUNCATED, e.reason(), e.getMessage());
  }

  /** Pixel (x, y) of every fixture: (10x, 15y, 255 − 5(x + y)) as 0xRRGGBB. */
  private static int pattern(int x, int y) {
    return (10 * x) << 16 | (15 * y) << 8 | (255 - 5 * (x + y));
  }

  private static BufferedImage patternImage() {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        image.setRGB(x, y, pattern(x, y));
      }
    }
    return image;
  }

  private static BufferedImage leftHalf(BufferedImage image) {
    BufferedImage half = new BufferedImage(WIDTH / 2, HEIGHT, BufferedImage.TYPE_INT_RGB);
    half.createGraphics().drawImage(image, 0, 0, null);
    return half;
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = WebpDecodingTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("test resource " + name + " is missing beside WebpDecodingTest");
      }
      return in.readAllBytes();
    }
  }
}
