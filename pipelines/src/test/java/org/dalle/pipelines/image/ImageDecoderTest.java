package org.dalle.pipelines.image;

import static org.dalle.pipelines.image.TestImages.blue;
import static org.dalle.pipelines.image.TestImages.green;
import static org.dalle.pipelines.image.TestImages.red;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

/** Every kind of input comes out as an upright opaque 8-bit RGB image with the right colours. */
class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder(10_000_000);

  @Test
  void decodesRgbJpegCloseToTheOriginal() throws Exception {
    BufferedImage original = TestImages.photoLike(120, 80, 1);
    byte[] jpeg = TestImages.jpeg(original, 0.95f);
    BufferedImage decoded = decoder.decode(jpeg);
    assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType());
    assertEquals(120, decoded.getWidth());
    assertEquals(80, decoded.getHeight());
    // Same pixels as ImageIO's own reading (channel order kept), close to the original (the
    // fixture's per-pixel noise is what chroma subsampling loses).
    BufferedImage reference = ImageIO.read(new ByteArrayInputStream(jpeg));
    for (int y = 0; y < 80; y++) {
      for (int x = 0; x < 120; x++) {
        assertEquals(reference.getRGB(x, y) & 0xFFFFFF, decoded.getRGB(x, y) & 0xFFFFFF);
      }
    }
    double error = TestImages.meanAbsoluteDifference(original, decoded);
    assertTrue(error < 8, "mean absolute error " + error);
  }

  @Test
  void greyPngKeepsItsValuesInEveryChannel() throws Exception {
    BufferedImage grey = new BufferedImage(256, 2, BufferedImage.TYPE_BYTE_GRAY);
    for (int x = 0; x < 256; x++) {
      grey.getRaster().setSample(x, 0, 0, x);
      grey.getRaster().setSample(x, 1, 0, 255 - x);
    }
    BufferedImage decoded = decoder.decode(TestImages.encode(grey, "png"));
    assertEquals(BufferedImage.TYPE_INT_RGB, decoded.getType());
    for (int x = 0; x < 256; x++) {
      // Exact: no trip through Java's linear grey colour space, which would brighten mid-greys.
      assertEquals(x * 0x010101, decoded.getRGB(x, 0) & 0xFFFFFF, "x=" + x);
      assertEquals((255 - x) * 0x010101, decoded.getRGB(x, 1) & 0xFFFFFF, "x=" + x);
    }
  }

  @Test
  void greyJpegBecomesNeutralRgb() throws Exception {
    BufferedImage grey = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        grey.getRaster().setSample(x, y, 0, 2 * x + y);
      }
    }
    BufferedImage decoded = decoder.decode(TestImages.jpeg(grey, 0.95f));
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        int p = decoded.getRGB(x, y);
        assertEquals(red(p), green(p));
        assertEquals(red(p), blue(p));
        assertTrue(Math.abs(red(p) - (2 * x + y)) <= 4, "at " + x + "," + y + ": " + red(p));
      }
    }
  }

  @Test
  void palettePngWithTransparentEntryIsLookedUpAndCompositedOnWhite() throws Exception {
    byte[] r = {(byte) 200, 10, 0, 0};
    byte[] g = {30, (byte) 180, 0, 0};
    byte[] b = {40, 20, (byte) 250, 0};
    byte[] a = {(byte) 255, (byte) 255, (byte) 255, 0};
    IndexColorModel palette = new IndexColorModel(2, 4, r, g, b, a);
    BufferedImage indexed = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
    for (int x = 0; x < 4; x++) {
      indexed.getRaster().setSample(x, 0, 0, x);
    }
    byte[] png = TestImages.encode(indexed, "png");
    assertEquals(3, png[25], "fixture must be a palette PNG (colour type 3)");
    BufferedImage decoded = decoder.decode(png);
    assertEquals(0xC81E28, decoded.getRGB(0, 0) & 0xFFFFFF);
    assertEquals(0x0AB414, decoded.getRGB(1, 0) & 0xFFFFFF);
    assertEquals(0x0000FA, decoded.getRGB(2, 0) & 0xFFFFFF);
    assertEquals(0xFFFFFF, decoded.getRGB(3, 0) & 0xFFFFFF);
  }

  @Test
  void rgbaPngIsCompositedOnWhite() throws Exception {
    BufferedImage rgba = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(0, 0, 0x00FF0000); // fully transparent red
    rgba.setRGB(1, 0, 0x80000000); // half-transparent black
    rgba.setRGB(2, 0, 0xFF0000FF); // opaque blue
    BufferedImage decoded = decoder.decode(TestImages.encode(rgba, "png"));
    assertEquals(0xFFFFFF, decoded.getRGB(0, 0) & 0xFFFFFF);
    assertEquals(0x7F7F7F, decoded.getRGB(1, 0) & 0xFFFFFF); // 255 * (1 - 128/255) = 127
    assertEquals(0x0000FF, decoded.getRGB(2, 0) & 0xFFFFFF);
  }

  @Test
  void sixteenBitPngIsScaledToEightBits() throws Exception {
    ComponentColorModel model =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            new int[] {16, 16, 16},
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = model.createCompatibleWritableRaster(2, 1);
    raster.setPixel(0, 0, new int[] {65535, 32768, 0});
    raster.setPixel(1, 0, new int[] {257 * 100, 257 * 200 + 128, 32767});
    byte[] png = TestImages.encode(new BufferedImage(model, raster, false, null), "png");
    assertEquals(16, png[24], "fixture must be a 16-bit PNG");
    BufferedImage decoded = decoder.decode(png);
    assertEquals(0xFF8000, decoded.getRGB(0, 0) & 0xFFFFFF);
    assertEquals((100 << 16) | (200 << 8) | 127, decoded.getRGB(1, 0) & 0xFFFFFF);

    BufferedImage grey16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    grey16.getRaster().setSample(0, 0, 0, 257 * 77);
    grey16.getRaster().setSample(1, 0, 0, 65535);
    BufferedImage greyDecoded = decoder.decode(TestImages.encode(grey16, "png"));
    assertEquals(77 * 0x010101, greyDecoded.getRGB(0, 0) & 0xFFFFFF);
    assertEquals(0xFFFFFF, greyDecoded.getRGB(1, 0) & 0xFFFFFF);
  }

  @Test
  void adobeInvertedCmykJpegHasRoughlyTheRightColours() throws Exception {
    // Left half red ink (C0 M100 Y100 K0), right half cyan ink (C100 M0 Y0 K0), stored inverted
    // (255 = no ink) with an Adobe APP14 marker, as Photoshop writes CMYK JPEGs.
    WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 32, 16, 4, null);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 32; x++) {
        int[] ink = x < 16 ? new int[] {0, 255, 255, 0} : new int[] {255, 0, 0, 0};
        for (int i = 0; i < 4; i++) {
          ink[i] = 255 - ink[i];
        }
        cmyk.setPixel(x, y, ink);
      }
    }
    byte[] jpeg = withSegmentAfterSoi(rasterJpeg(cmyk), adobeSegment(0));
    assertEquals(new ImageDimensions(32, 16, "jpeg"), ImageDecoder.readDimensions(jpeg));
    BufferedImage decoded = decoder.decode(jpeg);
    int left = decoded.getRGB(4, 8);
    int right = decoded.getRGB(28, 8);
    assertTrue(red(left) > 190 && green(left) < 90 && blue(left) < 90, hex(left));
    assertTrue(red(right) < 90 && green(right) > 120 && blue(right) > 190, hex(right));
  }

  @Test
  void iccTaggedJpegIsConvertedToSrgb() throws Exception {
    byte[] jpeg = TestImages.jpeg(TestImages.filled(16, 16, 0x808080), 0.95f);
    byte[] srgb = withSegmentAfterSoi(jpeg, iccSegment(ColorSpace.CS_sRGB));
    byte[] linear = withSegmentAfterSoi(jpeg, iccSegment(ColorSpace.CS_LINEAR_RGB));
    assertEquals(128, red(decoder.decode(srgb).getRGB(8, 8)), 2);
    // Linear 128/255 = 0.502 is sRGB 0.735, i.e. 188.
    int converted = decoder.decode(linear).getRGB(8, 8);
    assertEquals(188, red(converted), 4);
    assertEquals(188, green(converted), 4);
    assertEquals(188, blue(converted), 4);
  }

  @Test
  void exifOrientationSixTurnsTheImageClockwise() throws Exception {
    BufferedImage decoded = decoder.decode(markedJpegWithOrientation(6, false));
    assertEquals(20, decoded.getWidth());
    assertEquals(40, decoded.getHeight());
    assertMarkerAt(decoded, 17, 2); // stored top-left corner is now top-right
    assertEquals(
        new ImageDimensions(20, 40, "jpeg"),
        ImageDecoder.readDimensions(markedJpegWithOrientation(6, false)));
  }

  @Test
  void exifOrientationThreeTurnsTheImageHalfWay() throws Exception {
    BufferedImage decoded = decoder.decode(markedJpegWithOrientation(3, true));
    assertEquals(40, decoded.getWidth());
    assertEquals(20, decoded.getHeight());
    assertMarkerAt(decoded, 37, 17); // stored top-left corner is now bottom-right
  }

  @Test
  void exifOrientationOneLeavesTheImageAsStored() throws Exception {
    BufferedImage decoded = decoder.decode(markedJpegWithOrientation(1, false));
    assertEquals(40, decoded.getWidth());
    assertMarkerAt(decoded, 2, 2);
  }

  @Test
  void readDimensionsReadsOnlyTheHeader() throws Exception {
    assertEquals(
        new ImageDimensions(100_000, 100_000, "png"),
        ImageDecoder.readDimensions(ImageRejectionTest.pngHeaderOnly(100_000, 100_000)));
    assertEquals(
        new ImageDimensions(30, 20, "gif"),
        ImageDecoder.readDimensions(TestImages.encode(TestImages.filled(30, 20, 0), "gif")));
    ImageRejectedException e =
        assertThrows(
            ImageRejectedException.class,
            () -> ImageDecoder.readDimensions(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}));
    assertEquals(ImageRejectedException.TRUNCATED, e.reason(), e.getMessage());
  }

  @Test
  void gifAndBmpDecode() throws Exception {
    BufferedImage original = TestImages.filled(5, 3, 0x336699);
    assertEquals(
        0x336699, decoder.decode(TestImages.encode(original, "bmp")).getRGB(4, 2) & 0xFFFFFF);
    assertEquals(
        0x336699, decoder.decode(TestImages.encode(original, "gif")).getRGB(4, 2) & 0xFFFFFF);
  }

  /** A 40x20 white JPEG with a red 6x6 block at the stored top-left and an Exif orientation. */
  static byte[] markedJpegWithOrientation(int orientation, boolean littleEndian) {
    BufferedImage image = TestImages.filled(40, 20, 0xFFFFFF);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 6; x++) {
        image.setRGB(x, y, 0xFF0000);
      }
    }
    return withSegmentAfterSoi(
        TestImages.jpeg(image, 0.95f), exifSegment(orientation, littleEndian));
  }

  private static void assertMarkerAt(BufferedImage image, int x, int y) {
    int p = image.getRGB(x, y);
    assertTrue(
        red(p) > 200 && green(p) < 80 && blue(p) < 80, "marker at " + x + "," + y + ": " + hex(p));
    int far = image.getRGB(image.getWidth() - 1 - x, image.getHeight() - 1 - y);
    assertTrue(green(far) > 200, "opposite corner should be white: " + hex(far));
  }

  /** APP1 "Exif" segment whose IFD0 holds only the orientation tag (0x0112, SHORT). */
  static byte[] exifSegment(int orientation, boolean littleEndian) {
    byte[] tiff = new byte[8 + 2 + 12 + 4];
    tiff[0] = tiff[1] = (byte) (littleEndian ? 'I' : 'M');
    put16(tiff, 2, 42, littleEndian);
    put16(tiff, 4, 0, littleEndian); // IFD0 offset 8, as a 32-bit value
    put16(tiff, 6, 0, littleEndian);
    tiff[littleEndian ? 4 : 7] = 8;
    put16(tiff, 8, 1, littleEndian); // one entry
    put16(tiff, 10, 0x0112, littleEndian);
    put16(tiff, 12, 3, littleEndian); // SHORT
    tiff[littleEndian ? 14 : 17] = 1; // count 1
    put16(tiff, 18, orientation, littleEndian);
    byte[] exif = "Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return segment(0xE1, concat(exif, tiff));
  }

  /** APP2 "ICC_PROFILE" segment holding the JDK's profile of the given colour space. */
  static byte[] iccSegment(int colourSpace) {
    byte[] profile = ICC_Profile.getInstance(colourSpace).getData();
    byte[] header = "ICC_PROFILE\0\1\1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    return segment(0xE2, concat(header, profile)); // chunk 1 of 1
  }

  /** APP14 "Adobe" segment with the given colour transform (0: CMYK/RGB, 2: YCCK). */
  static byte[] adobeSegment(int transform) {
    byte[] body = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) transform};
    return segment(0xEE, body);
  }

  static byte[] withSegmentAfterSoi(byte[] jpeg, byte[] segment) {
    byte[] out = new byte[jpeg.length + segment.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(segment, 0, out, 2, segment.length);
    System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
    return out;
  }

  private static byte[] rasterJpeg(Raster raster) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.95f);
      writer.write(null, new IIOImage(raster, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static byte[] segment(int marker, byte[] body) {
    byte[] out = new byte[4 + body.length];
    out[0] = (byte) 0xFF;
    out[1] = (byte) marker;
    put16(out, 2, body.length + 2, false);
    System.arraycopy(body, 0, out, 4, body.length);
    return out;
  }

  private static void put16(byte[] out, int pos, int value, boolean littleEndian) {
    out[pos + (littleEndian ? 0 : 1)] = (byte) value;
    out[pos + (littleEndian ? 1 : 0)] = (byte) (value >>> 8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String hex(int rgb) {
    return String.format("#%06X", rgb & 0xFFFFFF);
  }
}
