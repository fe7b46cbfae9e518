package org.dalle.pipelines.image;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;

/**
 * The EXIF orientation of a JPEG (TIFF tag 0x0112 in IFD0 of the APP1 "Exif" segment) and its
 * application to pixels, so that a photo taken with a rotated camera is stored upright.
 *
 * <p>Values follow the EXIF specification: 1 upright, 2 mirrored left-right, 3 rotated 180°, 4
 * mirrored top-bottom, 5 transposed, 6 needs a 90° clockwise turn, 7 transversed, 8 needs a 90°
 * anticlockwise turn.
 */
public final class ExifOrientation {
  /** Orientation of an image that needs no transformation. */
  public static final int UPRIGHT = 1;

  private static final int TAG_ORIENTATION = 0x0112;
  private static final int TYPE_SHORT = 3;
  private static final byte[] EXIF_HEADER = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);

  private ExifOrientation() {}

  /**
   * Orientation 1–8 declared by {@code jpeg}, or {@link #UPRIGHT} when there is no Exif segment or
   * the tag is absent, out of range or unreadable: a broken Exif block says nothing about how the
   * pixels are meant to be shown, and the pixels themselves are still valid.
   */
  public static int read(byte[] jpeg) {
    int tiff = JpegSegments.find(jpeg, JpegSegments.APP1, EXIF_HEADER);
    return tiff < 0 ? UPRIGHT : fromTiff(jpeg, tiff, JpegSegments.end(jpeg, tiff, EXIF_HEADER));
  }

  /** Reads tag 0x0112 from IFD0 of the TIFF structure in {@code data[tiff..end)}. */
  private static int fromTiff(byte[] data, int tiff, int end) {
    if (tiff + 8 > end) {
      return UPRIGHT;
    }
    boolean little;
    if (data[tiff] == 'I' && data[tiff + 1] == 'I') {
      little = true;
    } else if (data[tiff] == 'M' && data[tiff + 1] == 'M') {
      little = false;
    } else {
      return UPRIGHT;
    }
    long ifd = tiff + u32(data, tiff + 4, little);
    if (ifd + 2 > end) {
      return UPRIGHT;
    }
    int entries = u16(data, (int) ifd, little);
    for (int i = 0; i < entries; i++) {
      int entry = (int) ifd + 2 + 12 * i;
      if (entry + 12 > end) {
        return UPRIGHT;
      }
      if (u16(data, entry, little) == TAG_ORIENTATION) {
        if (u16(data, entry + 2, little) != TYPE_SHORT) {
          return UPRIGHT;
        }
        int value = u16(data, entry + 8, little);
        return value >= 1 && value <= 8 ? value : UPRIGHT;
      }
    }
    return UPRIGHT;
  }

  /**
   * {@code rgb} turned upright according to {@code orientation}; orientations 5–8 swap width and
   * height. Returns {@code rgb} itself for orientation 1.
   */
  public static BufferedImage apply(BufferedImage rgb, int orientation) {
    if (orientation < 1 || orientation > 8) {
      throw new IllegalArgumentException("EXIF orientation must be 1..8 but was " + orientation);
    }
    if (orientation == UPRIGHT) {
      return rgb;
    }
    int[] src = RgbConverter.intPixels(rgb);
    int w = rgb.getWidth();
    int h = rgb.getHeight();
    boolean swap = orientation >= 5;
    int outW = swap ? h : w;
    int outH = swap ? w : h;
    BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
    int[] dst = RgbConverter.pixelsOf(out);
    for (int y = 0; y < outH; y++) {
      for (int x = 0; x < outW; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> {
            sx = w - 1 - x;
            sy = y;
          }
          case 3 -> {
            sx = w - 1 - x;
            sy = h - 1 - y;
          }
          case 4 -> {
            sx = x;
            sy = h - 1 - y;
          }
          case 5 -> {
            sx = y;
            sy = x;
          }
          case 6 -> {
            sx = y;
            sy = h - 1 - x;
          }
          case 7 -> {
            sx = w - 1 - y;
            sy = h - 1 - x;
          }
          default -> { // 8
            sx = w - 1 - y;
            sy = x;
          }
        }
        dst[y * outW + x] = src[sy * w + sx];
      }
    }
    return out;
  }

  private static int u16(byte[] data, int pos, boolean little) {
    int a = data[pos] & 0xFF;
    int b = data[pos + 1] & 0xFF;
    return little ? (b << 8) | a : (a << 8) | b;
  }

  private static long u32(byte[] data, int pos, boolean little) {
    long hi = u16(data, little ? pos + 2 : pos, little);
    long lo = u16(data, little ? pos : pos + 2, little);
    return (hi << 16) | lo;
  }
}
