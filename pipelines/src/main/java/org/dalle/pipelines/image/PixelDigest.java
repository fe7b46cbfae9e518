package org.dalle.pipelines.image;

import java.awt.image.BufferedImage;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A digest of decoded pixels, for exact-duplicate removal: two files with the same pixels (a PNG
 * and a BMP of one picture, say) get the same digest whatever their encoding or metadata.
 */
public final class PixelDigest {
  private PixelDigest() {}

  /**
   * Lower-case hex SHA-256 of: width as 4 big-endian bytes, height as 4 big-endian bytes, then the
   * R, G, B bytes of every pixel in row-major order. The size is included so that, e.g., a 2×3 and
   * a 3×2 image with the same byte stream differ.
   */
  public static String sha256(BufferedImage rgb) {
    int[] pixels = RgbConverter.intPixels(rgb);
    int width = rgb.getWidth();
    int height = rgb.getHeight();
    MessageDigest digest = newSha256();
    byte[] row = new byte[Math.max(8, 3 * width)];
    putInt(row, 0, width);
    putInt(row, 4, height);
    digest.update(row, 0, 8);
    for (int y = 0; y < height; y++) {
      for (int x = 0, i = 0; x < width; x++, i += 3) {
        int p = pixels[y * width + x];
        row[i] = (byte) (p >>> 16);
        row[i + 1] = (byte) (p >>> 8);
        row[i + 2] = (byte) p;
      }
      digest.update(row, 0, 3 * width);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  private static void putInt(byte[] out, int pos, int value) {
    out[pos] = (byte) (value >>> 24);
    out[pos + 1] = (byte) (value >>> 16);
    out[pos + 2] = (byte) (value >>> 8);
    out[pos + 3] = (byte) value;
  }
}
