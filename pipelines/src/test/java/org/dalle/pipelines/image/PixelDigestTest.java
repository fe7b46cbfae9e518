package org.dalle.pipelines.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Same pixels, same digest, whatever the file encoding; any pixel change, a new digest. */
class PixelDigestTest {
  private final ImageDecoder decoder = new ImageDecoder(1_000_000);

  @Test
  void samePixelsFromPngAndBmpHaveTheSameDigest() throws Exception {
    BufferedImage image = TestImages.photoLike(50, 30, 9);
    String fromPng = PixelDigest.sha256(decoder.decode(TestImages.encode(image, "png")));
    String fromBmp = PixelDigest.sha256(decoder.decode(TestImages.encode(image, "bmp")));
    String fromOurPng = PixelDigest.sha256(PngCodec.decode(PngCodec.encode(image)));
    assertEquals(fromPng, fromBmp);
    assertEquals(fromPng, fromOurPng);
    assertEquals(64, fromPng.length());
  }

  @Test
  void oneChangedPixelChangesTheDigest() {
    BufferedImage image = TestImages.photoLike(50, 30, 9);
    String before = PixelDigest.sha256(image);
    image.setRGB(49, 29, image.getRGB(49, 29) ^ 1);
    assertNotEquals(before, PixelDigest.sha256(image));
  }

  @Test
  void sizeIsPartOfTheDigest() {
    assertNotEquals(
        PixelDigest.sha256(TestImages.filled(2, 3, 0x102030)),
        PixelDigest.sha256(TestImages.filled(3, 2, 0x102030)));
  }

  @Test
  void digestOfOneRedPixelIsTheDocumentedSha256() {
    // sha256(00 00 00 01 | 00 00 00 01 | FF 00 00), computed independently with Python hashlib.
    assertEquals(
        "405c316e7b13ffa9df47ea1e58f50dcf0d9b542bcc28f02387c1553f9643a0af",
        PixelDigest.sha256(TestImages.filled(1, 1, 0xFF0000)));
  }
}
