package org.dalle.pipelines.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;

/**
 * A fast PNG writer and reader for opaque 8-bit RGB images, the storage format of prepared images.
 *
 * <p>The writer emits signature, IHDR (8-bit truecolour, not interlaced), one IDAT and IEND, with
 * every row filtered by {@link #DEFAULT_FILTER} and the residuals Huffman-coded without LZ77
 * matching (zlib's {@code Z_HUFFMAN_ONLY}): on filtered photographs string matches are rare, so
 * this is both faster and smaller than deflate level 1, whose quick matches spoil the Huffman
 * statistics (see {@code ImagePipelineBenchmark}). The output is a standard PNG that any reader
 * decodes to the same pixels. The reader decodes such files directly and hands any other PNG
 * (palette, grey, alpha, 16-bit, interlaced) to ImageIO.
 */
public final class PngCodec {
  /** Row filter of {@link #encode(BufferedImage)}. */
  public static final PngRowFilter DEFAULT_FILTER = PngRowFilter.PAETH;

  private static final byte[] SIGNATURE = {(byte) 137, 'P', 'N', 'G', '\r', '\n', 26, '\n'};
  private static final int COLOUR_TYPE_RGB = 2;

  private PngCodec() {}

  /** Encodes a {@code TYPE_INT_RGB} image as PNG: {@link #DEFAULT_FILTER}, Huffman coding only. */
  public static byte[] encode(BufferedImage rgb) {
    return encode(rgb, DEFAULT_FILTER, Deflater.DEFAULT_COMPRESSION, Deflater.HUFFMAN_ONLY);
  }

  /**
   * Encodes a {@code TYPE_INT_RGB} image as PNG with {@code filter} and a {@link Deflater} {@code
   * level} (-1..9) and {@code strategy}; for tests and the benchmark.
   */
  static byte[] encode(BufferedImage rgb, PngRowFilter filter, int level, int strategy) {
    int[] pixels = RgbConverter.intPixels(rgb);
    int width = rgb.getWidth();
    int height = rgb.getHeight();
    byte[] filtered = filter.apply(pixels, width, height); // height rows of (1 + 3 * width)
    byte[] idat = deflate(filtered, level, strategy);

    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8; // bits per sample
    ihdr[9] = COLOUR_TYPE_RGB; // compression, filter method and interlace stay 0
    byte[] png = new byte[SIGNATURE.length + 12 + ihdr.length + 12 + idat.length + 12];
    System.arraycopy(SIGNATURE, 0, png, 0, SIGNATURE.length);
    int pos = SIGNATURE.length;
    pos = putChunk(png, pos, "IHDR", ihdr, ihdr.length);
    pos = putChunk(png, pos, "IDAT", idat, idat.length);
    putChunk(png, pos, "IEND", new byte[0], 0);
    return png;
  }

  /**
   * Decodes a PNG into a {@code TYPE_INT_RGB} image. Meant for PNGs this pipeline wrote: it has no
   * pixel limit, so untrusted files go through {@link ImageDecoder} instead.
   *
   * @throws IllegalArgumentException if {@code png} is not a readable PNG
   */
  public static BufferedImage decode(byte[] png) {
    if (png.length < SIGNATURE.length + 25
        || !Arrays.equals(png, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
      throw new IllegalArgumentException(
          "expected PNG bytes (signature 89 50 4E 47 0D 0A 1A 0A) but got "
              + png.length
              + " bytes");
    }
    int width = getInt(png, 16);
    int height = getInt(png, 20);
    boolean plainRgb =
        new String(png, 12, 4, StandardCharsets.US_ASCII).equals("IHDR")
            && png[24] == 8
            && png[25] == COLOUR_TYPE_RGB
            && png[28] == 0
            && width > 0
            && height > 0;
    try {
      return plainRgb ? decodeRgb(png, width, height) : decodeWithImageIo(png);
    } catch (IOException | DataFormatException | RuntimeException e) {
      throw new IllegalArgumentException("unreadable PNG of " + png.length + " bytes: " + e, e);
    }
  }

  private static BufferedImage decodeRgb(byte[] png, int width, int height)
      throws DataFormatException {
    int rowBytes = 1 + 3 * width;
    byte[] filtered = new byte[Math.multiplyExact(rowBytes, height)];
    Inflater inflater = new Inflater();
    try {
      int filled = 0;
      int pos = SIGNATURE.length;
      while (pos + 12 <= png.length) {
        int length = getInt(png, pos);
        String type = new String(png, pos + 4, 4, StandardCharsets.US_ASCII);
        if (length < 0 || pos + 12L + length > png.length) {
          throw new DataFormatException(type + " chunk of " + length + " bytes runs past the end");
        }
        if (type.equals("IDAT")) {
          inflater.setInput(png, pos + 8, length);
          while (!inflater.needsInput() && filled < filtered.length) {
            int n = inflater.inflate(filtered, filled, filtered.length - filled);
            filled += n;
            if (n == 0 && (inflater.finished() || inflater.needsDictionary())) {
              break;
            }
          }
        } else if (type.equals("IEND")) {
          break;
        }
        pos += 12 + length;
      }
      if (filled < filtered.length) {
        throw new DataFormatException(
            "image data ends after " + filled + " of " + filtered.length + " bytes");
      }
    } finally {
      inflater.end();
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    PngRowFilter.unfilter(filtered, width, height, RgbConverter.pixelsOf(out));
    return out;
  }

  private static BufferedImage decodeWithImageIo(byte[] png) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    if (image == null) {
      throw new IOException("ImageIO found no reader for these bytes");
    }
    return RgbConverter.toRgb(image);
  }

  private static byte[] deflate(byte[] data, int level, int strategy) {
    Deflater deflater = new Deflater(level);
    try {
      deflater.setStrategy(strategy);
      deflater.setInput(data);
      deflater.finish();
      byte[] out = new byte[data.length / 2 + 1024];
      int size = 0;
      while (!deflater.finished()) {
        if (size == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        size += deflater.deflate(out, size, out.length - size);
      }
      return Arrays.copyOf(out, size);
    } finally {
      deflater.end();
    }
  }

  /** Writes length, type, data and CRC-32 (over type and data); returns the next position. */
  private static int putChunk(byte[] out, int pos, String type, byte[] data, int length) {
    putInt(out, pos, length);
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(typeBytes, 0, out, pos + 4, 4);
    System.arraycopy(data, 0, out, pos + 8, length);
    CRC32 crc = new CRC32();
    crc.update(out, pos + 4, 4 + length);
    putInt(out, pos + 8 + length, (int) crc.getValue());
    return pos + 12 + length;
  }

  private static void putInt(byte[] out, int pos, int value) {
    out[pos] = (byte) (value >>> 24);
    out[pos + 1] = (byte) (value >>> 16);
    out[pos + 2] = (byte) (value >>> 8);
    out[pos + 3] = (byte) value;
  }

  private static int getInt(byte[] in, int pos) {
    return ((in[pos] & 0xFF) << 24)
        | ((in[pos + 1] & 0xFF) << 16)
        | ((in[pos + 2] & 0xFF) << 8)
        | (in[pos + 3] & 0xFF);
  }
}
