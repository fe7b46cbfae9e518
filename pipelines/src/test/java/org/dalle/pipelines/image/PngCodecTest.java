package org.dalle.pipelines.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Written PNGs are standard and lossless; the reader handles its own and others' PNGs. */
class PngCodecTest {

  @ParameterizedTest
  @EnumSource(PngRowFilter.class)
  void roundTripIsPixelIdenticalThroughImageIoAndOurReader(PngRowFilter filter) throws Exception {
    BufferedImage noise = new BufferedImage(37, 23, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(11);
    for (int y = 0; y < 23; y++) {
      for (int x = 0; x < 37; x++) {
        noise.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    for (BufferedImage image :
        new BufferedImage[] {
          TestImages.photoLike(256, 256, 2), noise, TestImages.filled(1, 1, 0xABCDEF)
        }) {
      for (int[] deflate :
          new int[][] {
            {0, Deflater.DEFAULT_STRATEGY},
            {1, Deflater.DEFAULT_STRATEGY},
            {6, Deflater.FILTERED},
            {Deflater.DEFAULT_COMPRESSION, Deflater.HUFFMAN_ONLY}
          }) {
        byte[] png = PngCodec.encode(image, filter, deflate[0], deflate[1]);
        BufferedImage viaImageIo = ImageIO.read(new ByteArrayInputStream(png));
        assertPixelsEqual(image, RgbConverter.toRgb(viaImageIo));
        assertPixelsEqual(image, PngCodec.decode(png));
      }
    }
  }

  @Test
  void readsImageIoPngsWithOtherFiltersAndColourTypes() {
    BufferedImage photo = TestImages.photoLike(97, 61, 3);
    BufferedImage bgr = new BufferedImage(97, 61, BufferedImage.TYPE_3BYTE_BGR);
    bgr.getGraphics().drawImage(photo, 0, 0, null);
    // ImageIO picks filters per row (Average among them) and may split IDAT.
    assertPixelsEqual(photo, PngCodec.decode(TestImages.encode(bgr, "png")));

    BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 128, 255});
    BufferedImage decoded = PngCodec.decode(TestImages.encode(grey, "png"));
    assertEquals(0x808080, decoded.getRGB(1, 0) & 0xFFFFFF);
  }

  @Test
  void writesTheExpectedHeader() {
    byte[] png = PngCodec.encode(TestImages.filled(300, 2, 0));
    assertArrayEquals(
        new byte[] {(byte) 137, 'P', 'N', 'G', '\r', '\n', 26, '\n'},
        java.util.Arrays.copyOf(png, 8));
    assertEquals("IHDR", new String(png, 12, 4, java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(
        300,
        ((png[16] & 0xFF) << 24)
            | ((png[17] & 0xFF) << 16)
            | ((png[18] & 0xFF) << 8)
            | (png[19] & 0xFF));
    assertEquals(8, png[24]);
    assertEquals(2, png[25]);
  }

  @Test
  void refusesBytesThatAreNotAPng() {
    byte[] jpeg = TestImages.jpeg(TestImages.filled(8, 8, 0), 0.9f);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PngCodec.decode(jpeg));
    assertEquals(true, e.getMessage().contains("signature"), e.getMessage());
    byte[] png = PngCodec.encode(TestImages.photoLike(64, 64, 4));
    byte[] cut = java.util.Arrays.copyOf(png, png.length / 2);
    assertThrows(IllegalArgumentException.class, () -> PngCodec.decode(cut));
  }

  static void assertPixelsEqual(BufferedImage expected, BufferedImage actual) {
    assertEquals(expected.getWidth(), actual.getWidth());
    assertEquals(expected.getHeight(), actual.getHeight());
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        assertEquals(
            expected.getRGB(x, y) & 0xFFFFFF, actual.getRGB(x, y) & 0xFFFFFF, "at " + x + "," + y);
      }
    }
  }
}
