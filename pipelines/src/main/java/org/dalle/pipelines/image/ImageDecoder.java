package org.dalle.pipelines.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes untrusted image bytes (JPEG, PNG, GIF, BMP, TIFF, WBMP through ImageIO; CMYK and YCCK
 * JPEG and WebP through the TwelveMonkeys plugins) into an upright, opaque 8-bit {@code
 * TYPE_INT_RGB} image, or rejects them with a reason code.
 *
 * <p>Defences, in order: empty input; no reader for the leading bytes; a declared width × height
 * above {@code maxPixels}, read from the header before any pixel buffer is allocated (decompression
 * bombs); reader exceptions; and reader warnings that mean the data ended early or is corrupt
 * (ImageIO otherwise returns a truncated JPEG silently with grey where data is missing).
 *
 * <p>Instances are immutable and thread-safe; readers are created per call.
 */
public final class ImageDecoder implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final byte[] ICC_PROFILE = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);

  static {
    // ImageIO registers plugins found by the class loader that first touched it; on runners with
    // per-job class loaders (Flink, Spark) that may not see TwelveMonkeys, so look again here.
    ImageIO.scanForPlugins();
  }

  private final long maxPixels;

  /**
   * @param maxPixels largest accepted declared width × height, e.g. 89_478_485 (PIL's default)
   */
  public ImageDecoder(long maxPixels) {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be at least 1 but was " + maxPixels);
    }
    this.maxPixels = maxPixels;
  }

  public long maxPixels() {
    return maxPixels;
  }

  /**
   * Decodes {@code bytes} into an upright {@code TYPE_INT_RGB} image: grey, palette, 16-bit and
   * alpha images are converted by {@link RgbConverter} (alpha over white), and a JPEG's EXIF
   * orientation is applied.
   *
   * @throws ImageRejectedException with reason {@code empty_file}, {@code not_an_image}, {@code
   *     too_many_pixels}, {@code truncated} or {@code unsupported_image}
   */
  public BufferedImage decode(byte[] bytes) throws ImageRejectedException {
    List<ImageReader> readers = readersFor(bytes);
    try {
      Exception firstFailure = null;
      // A second reader for the same format (TwelveMonkeys JPEG after the JDK's) gets its chance
      // when the first throws; the first failure is kept and reported if every reader fails.
      for (ImageReader reader : readers) {
        try {
          return decodeWith(reader, bytes);
        } catch (IOException | RuntimeException e) {
          if (firstFailure == null) {
            firstFailure = e;
          } else {
            firstFailure.addSuppressed(e);
          }
        }
      }
      throw failure(formatOf(readers.get(0)), "data", firstFailure);
    } finally {
      readers.forEach(ImageReader::dispose);
    }
  }

  /**
   * Width and height as the image will be shown (a JPEG's EXIF orientation 5–8 swaps them), read
   * from the header only, with no pixel limit.
   *
   * @throws ImageRejectedException with reason {@code empty_file}, {@code not_an_image}, {@code
   *     unsupported_image} or {@code truncated} (header unreadable)
   */
  public static ImageDimensions readDimensions(byte[] bytes) throws ImageRejectedException {
    List<ImageReader> readers = readersFor(bytes);
    try {
      Exception firstFailure = null;
      for (ImageReader reader : readers) {
        String format = formatOf(reader);
        try (ImageInputStream in = streamOf(bytes)) {
          reader.setInput(in, true, true);
          int width = reader.getWidth(0);
          int height = reader.getHeight(0);
          boolean swap = format.equals("jpeg") && ExifOrientation.read(bytes) >= 5;
          return swap
              ? new ImageDimensions(height, width, format)
              : new ImageDimensions(width, height, format);
        } catch (IOException | RuntimeException e) {
          if (firstFailure == null) {
            firstFailure = e;
          } else {
            firstFailure.addSuppressed(e);
          }
        }
      }
      throw failure(formatOf(readers.get(0)), "header", firstFailure);
    } finally {
      readers.forEach(ImageReader::dispose);
    }
  }

  private BufferedImage decodeWith(ImageReader reader, byte[] bytes)
      throws IOException, ImageRejectedException {
    String format = formatOf(reader);
    try (ImageInputStream in = streamOf(bytes)) {
      // Metadata is not needed: the pixels, ICC profile and Adobe marker are read regardless.
      reader.setInput(in, true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if (width < 1 || height < 1) {
        throw new ImageRejectedException(
            ImageRejectedException.TRUNCATED,
            format + " header declares " + width + "x" + height + "; expected positive sizes");
      }
      long pixels = (long) width * height;
      if (pixels > maxPixels) {
        throw new ImageRejectedException(
            ImageRejectedException.TOO_MANY_PIXELS,
            String.format(
                Locale.ROOT,
                "%s header declares %dx%d = %d pixels; the limit is %d",
                format,
                width,
                height,
                pixels,
                maxPixels));
      }
      CorruptionWarnings warnings = new CorruptionWarnings();
      reader.addIIOReadWarningListener(warnings);
      BufferedImage decoded = reader.read(0, reader.getDefaultReadParam());
      if (warnings.first != null) {
        throw new ImageRejectedException(
            ImageRejectedException.TRUNCATED,
            format + " pixel data is cut short or corrupt: " + warnings.first);
      }
      BufferedImage rgb = RgbConverter.toRgb(decoded);
      return format.equals("jpeg") ? ExifOrientation.apply(rgb, ExifOrientation.read(bytes)) : rgb;
    }
  }

  /**
   * Readers that accept the leading bytes, in the order to try them. For JPEG there are two: the
   * JDK's is about a third faster on plain YCbCr files and throws on the CMYK/YCCK ones that
   * TwelveMonkeys then decodes; but given an ICC profile the JDK converts colours even when the
   * profile is sRGB (about 3x slower), while TwelveMonkeys recognises sRGB and skips the
   * conversion. So the JDK's reader goes first unless the file carries an ICC profile.
   */
  private static List<ImageReader> readersFor(byte[] bytes) throws ImageRejectedException {
    if (bytes.length == 0) {
      throw new ImageRejectedException(ImageRejectedException.EMPTY_FILE, "the file has 0 bytes");
    }
    List<ImageReader> readers = new ArrayList<>();
    try (ImageInputStream probe = streamOf(bytes)) {
      Iterator<ImageReader> found = ImageIO.getImageReaders(probe);
      while (found.hasNext()) {
        readers.add(found.next());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading an in-memory stream failed", e);
    }
    if (readers.isEmpty()) {
      String known = KnownFormats.undecodableFormat(bytes);
      if (known != null) {
        throw new ImageRejectedException(
            ImageRejectedException.UNSUPPORTED_IMAGE,
            known + " is recognised but no installed ImageIO reader decodes it");
      }
      throw new ImageRejectedException(
          ImageRejectedException.NOT_AN_IMAGE,
          "no image format matches the leading bytes "
              + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(bytes.length, 12))
              + " ("
              + bytes.length
              + " bytes)");
    }
    boolean iccTagged = JpegSegments.find(bytes, JpegSegments.APP2, ICC_PROFILE) >= 0;
    readers.sort(
        Comparator.comparing(
            reader -> reader.getClass().getName().startsWith("com.sun.") == iccTagged));
    return readers;
  }

  private static ImageInputStream streamOf(byte[] bytes) {
    return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
  }

  private static String formatOf(ImageReader reader) {
    try {
      return reader.getFormatName().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      throw new UncheckedIOException("ImageIO reader " + reader + " has no format name", e);
    }
  }

  /** Classifies a reader exception; {@code part} says what was being read (header, data). */
  private static ImageRejectedException failure(String format, String part, Exception e) {
    if (isUnsupported(e)) {
      return new ImageRejectedException(
          ImageRejectedException.UNSUPPORTED_IMAGE,
          format + " variant cannot be decoded: " + e.getMessage(),
          e);
    }
    return new ImageRejectedException(
        ImageRejectedException.TRUNCATED,
        format + " " + part + " is cut short or corrupt: " + e,
        e);
  }

  /**
   * Readers say "Unsupported Image Type", "Unsupported JPEG process: SOF type 0xcb", "Unsupported
   * JPEG data precision 12" and the like; libjpeg's "Unsupported marker type" means a stray marker
   * in damaged data, not an unsupported variant.
   */
  private static boolean isUnsupported(Exception e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (message.contains("unsupported marker")) {
      return false;
    }
    return e instanceof UnsupportedOperationException
        || message.contains("unsupported")
        || message.contains("not supported");
  }

  /** Keeps the first reader warning that means missing or damaged pixel data. */
  private static final class CorruptionWarnings implements IIOReadWarningListener {
    String first;

    @Override
    public void warningOccurred(ImageReader source, String warning) {
      if (first == null && meansCorrupt(warning)) {
        first = warning;
      }
    }

    /**
     * libjpeg's "Premature end of JPEG file", "Corrupt JPEG data: premature end of data segment /
     * bad Huffman code / found marker instead of RST", ImageIO's "Truncated File - Missing EOI
     * marker". "N extraneous bytes before marker" is common in camera files that decode fine, and
     * warnings about ICC profiles or thumbnails do not touch the pixels.
     */
    private static boolean meansCorrupt(String warning) {
      String w = warning.toLowerCase(Locale.ROOT);
      return (w.contains("corrupt") && !w.contains("extraneous bytes"))
          || w.contains("premature end")
          || w.contains("missing eoi")
          || w.contains("truncated")
          || w.contains("inconsistent progression");
    }
  }
}
