package org.dalle.pipelines.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** Bad input is rejected with the right reason code, and bombs are refused before decoding. */
class ImageRejectionTest {
  private final ImageDecoder decoder = new ImageDecoder(50_000_000);

  @Test
  void emptyBytesAreAnEmptyFile() {
    assertReason(ImageRejectedException.EMPTY_FILE, new byte[0]);
  }

  @Test
  void randomBytesAreNotAnImage() {
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    noise[0] = 0x37; // no format starts with this byte
    ImageRejectedException e = assertReason(ImageRejectedException.NOT_AN_IMAGE, noise);
    assertTrue(e.getMessage().contains("37"), e.getMessage());
    assertReason(
        ImageRejectedException.NOT_AN_IMAGE, "hello, world".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void heifIsRecognisedButUnsupported() {
    byte[] heif = Arrays.copyOf("\0\0\0\u0018ftypheic".getBytes(StandardCharsets.ISO_8859_1), 64);
    ImageRejectedException e = assertReason(ImageRejectedException.UNSUPPORTED_IMAGE, heif);
    assertTrue(e.getMessage().contains("heif"), e.getMessage());
  }

  @Test
  void webpWithoutImageDataIsTruncated() {
    byte[] webp = "RIFF\u0024\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1);
    byte[] padded = Arrays.copyOf(webp, 64);
    ImageRejectedException e = assertReason(ImageRejectedException.TRUNCATED, padded);
    assertTrue(e.getMessage().contains("webp"), e.getMessage());
  }

  @Test
  void truncatedJpegIsRejectedNotReturnedHalfGrey() {
    byte[] jpeg = TestImages.jpeg(TestImages.photoLike(256, 256, 3), 0.9f);
    for (double keep : new double[] {0.3, 0.6, 0.95}) {
      byte[] cut = Arrays.copyOf(jpeg, (int) (jpeg.length * keep));
      assertReason(ImageRejectedException.TRUNCATED, cut);
    }
    // Only the final EOI marker missing.
    assertReason(ImageRejectedException.TRUNCATED, Arrays.copyOf(jpeg, jpeg.length - 2));
  }

  @Test
  void strayMarkerInsideJpegScanDataIsCorruptNotUnsupported() {
    byte[] jpeg = TestImages.jpeg(TestImages.photoLike(256, 256, 3), 0.9f);
    jpeg[jpeg.length / 2] = (byte) 0xFF;
    jpeg[jpeg.length / 2 + 1] = 0x0A; // libjpeg: "Unsupported marker type 0x0a"
    assertReason(ImageRejectedException.TRUNCATED, jpeg);
  }

  @Test
  void truncatedPngIsRejected() {
    byte[] png = TestImages.encode(TestImages.photoLike(128, 128, 4), "png");
    assertReason(ImageRejectedException.TRUNCATED, Arrays.copyOf(png, png.length / 2));
    assertReason(ImageRejectedException.TRUNCATED, Arrays.copyOf(png, 20)); // inside IHDR
  }

  @Test
  void pngBombIsRejectedFromItsHeaderWithoutAllocatingPixels() {
    byte[] bomb = pngHeaderOnly(100_000, 100_000);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    ImageRejectedException e = assertReason(ImageRejectedException.TOO_MANY_PIXELS, bomb);
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
    // Decoding would need 3e10 bytes; the header check needs a few hundred kilobytes at most.
    assertTrue(allocated < 20_000_000, "allocated " + allocated + " bytes");
  }

  @Test
  void imageAboveTheLimitIsRejectedWhateverItsFormat() throws Exception {
    ImageDecoder small = new ImageDecoder(64 * 64 - 1);
    BufferedImage square = TestImages.photoLike(64, 64, 5);
    for (byte[] bytes :
        new byte[][] {
          TestImages.jpeg(square, 0.9f),
          TestImages.encode(square, "png"),
          TestImages.encode(square, "gif"),
          TestImages.encode(square, "bmp")
        }) {
      ImageRejectedException e =
          assertThrows(ImageRejectedException.class, () -> small.decode(bytes));
      assertEquals(ImageRejectedException.TOO_MANY_PIXELS, e.reason(), e.getMessage());
    }
    assertEquals(64, new ImageDecoder(64 * 64).decode(TestImages.encode(square, "png")).getWidth());
  }

  @Test
  void decoderRefusesANonPositiveLimit() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ImageDecoder(0));
    assertTrue(e.getMessage().contains("0"), e.getMessage());
  }

  private ImageRejectedException assertReason(String reason, byte[] bytes) {
    ImageRejectedException e =
        assertThrows(ImageRejectedException.class, () -> decoder.decode(bytes));
    assertEquals(reason, e.reason(), "detail: " + e.getMessage());
    assertTrue(!e.getMessage().isBlank());
    return e;
  }

  /** A PNG whose IHDR declares the given size, followed by a tiny IDAT and IEND. */
  static byte[] pngHeaderOnly(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[1024]);
    deflater.finish();
    byte[] idat = new byte[1024];
    int n = deflater.deflate(idat);
    deflater.end();
    ByteBuffer png = ByteBuffer.allocate(8 + 25 + 12 + n + 12);
    png.put(new byte[] {(byte) 137, 'P', 'N', 'G', '\r', '\n', 26, '\n'});
    chunk(png, "IHDR", ihdr.array(), 13);
    chunk(png, "IDAT", idat, n);
    chunk(png, "IEND", new byte[0], 0);
    return png.array();
  }

  private static void chunk(ByteBuffer out, String type, byte[] data, int length) {
    out.putInt(length);
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    out.put(typeBytes).put(data, 0, length);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data, 0, length);
    out.putInt((int) crc.getValue());
  }
}
