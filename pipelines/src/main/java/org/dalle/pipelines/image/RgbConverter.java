package org.dalle.pipelines.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;

/**
 * Converts whatever an ImageIO reader produced into an opaque 8-bit {@code TYPE_INT_RGB} image:
 * grey is replicated into R, G and B, palettes are looked up, samples deeper than 8 bits are scaled
 * to 0..255 with rounding, and alpha is composited over white.
 *
 * <p>Grey samples are copied as they are rather than converted through Java's linear grey colour
 * space, which would brighten them: PNG and JPEG grey values are display values, as in every other
 * image library.
 */
public final class RgbConverter {
  private RgbConverter() {}

  /**
   * Returns an opaque {@code TYPE_INT_RGB} image with the colours of {@code image}; returns {@code
   * image} itself when it already is one with a plain pixel array.
   */
  public static BufferedImage toRgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB && plainIntPixels(image) != null) {
      return image;
    }
    int width = image.getWidth();
    int height = image.getHeight();
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] dst = pixelsOf(out);
    ColorModel model = image.getColorModel();
    WritableRaster raster = image.getRaster();
    if (model instanceof IndexColorModel palette) {
      fromPalette(raster, palette, dst);
    } else if (model instanceof ComponentColorModel
        && !model.isAlphaPremultiplied()
        && hasSmallIntegerSamples(raster)
        && isDisplayReferred(model.getColorSpace())) {
      if (!fromInterleavedBytes(raster, model, dst)) {
        fromSamples(raster, model, dst);
      }
    } else {
      // Packed, premultiplied or ICC-tagged pixels: let the colour model convert them to sRGB.
      int[] argb = new int[width];
      for (int y = 0; y < height; y++) {
        image.getRGB(0, y, width, 1, argb, 0, width);
        for (int x = 0; x < width; x++) {
          dst[y * width + x] = overWhite(argb[x]);
        }
      }
    }
    return out;
  }

  /**
   * The backing array of a {@code TYPE_INT_RGB} image whose pixel {@code (x, y)} is at {@code y *
   * width + x}, or null when the image does not have that plain layout (e.g. a sub-image).
   */
  static int[] plainIntPixels(BufferedImage image) {
    WritableRaster raster = image.getRaster();
    if (raster.getParent() != null
        || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0
        || !(raster.getDataBuffer() instanceof DataBufferInt buffer)
        || buffer.getNumBanks() != 1
        || buffer.getOffset() != 0
        || !(raster.getSampleModel() instanceof SinglePixelPackedSampleModel model)
        || model.getScanlineStride() != image.getWidth()) {
      return null;
    }
    return buffer.getData();
  }

  /** Pixels of a {@code TYPE_INT_RGB} image as a row-major array, copied only when necessary. */
  static int[] intPixels(BufferedImage rgb) {
    if (rgb.getType() != BufferedImage.TYPE_INT_RGB) {
      throw new IllegalArgumentException(
          "expected a TYPE_INT_RGB image (BufferedImage type "
              + BufferedImage.TYPE_INT_RGB
              + ") but got type "
              + rgb.getType()
              + "; convert it with RgbConverter.toRgb first");
    }
    int[] plain = plainIntPixels(rgb);
    if (plain != null) {
      return plain;
    }
    int width = rgb.getWidth();
    return rgb.getRGB(0, 0, width, rgb.getHeight(), null, 0, width);
  }

  /** The backing array of an image made by {@code new BufferedImage(w, h, TYPE_INT_RGB)}. */
  static int[] pixelsOf(BufferedImage fresh) {
    return ((DataBufferInt) fresh.getRaster().getDataBuffer()).getData();
  }

  private static boolean hasSmallIntegerSamples(WritableRaster raster) {
    int type = raster.getDataBuffer().getDataType();
    if (type != DataBuffer.TYPE_BYTE && type != DataBuffer.TYPE_USHORT) {
      return false;
    }
    for (int size : raster.getSampleModel().getSampleSize()) {
      if (size > 16) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDisplayReferred(ColorSpace space) {
    return space.isCS_sRGB() || space.getType() == ColorSpace.TYPE_GRAY;
  }

  private static void fromPalette(WritableRaster raster, IndexColorModel palette, int[] dst) {
    int bits = raster.getSampleModel().getSampleSize(0);
    // A corrupt index beyond the palette reads as black, as libpng does.
    int[] lut = new int[Math.max(1 << Math.min(bits, 16), palette.getMapSize())];
    for (int i = 0; i < palette.getMapSize(); i++) {
      lut[i] = overWhite(palette.getRGB(i));
    }
    int width = raster.getWidth();
    int[] row = new int[width];
    for (int y = 0; y < raster.getHeight(); y++) {
      raster.getSamples(0, y, width, 1, 0, row);
      for (int x = 0; x < width; x++) {
        dst[y * width + x] = lut[row[x]];
      }
    }
  }

  /** Fast path for 8-bit interleaved bytes (JPEG BGR, PNG RGB/RGBA/grey); false if not that. */
  private static boolean fromInterleavedBytes(WritableRaster raster, ColorModel model, int[] dst) {
    if (raster.getParent() != null
        || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0
        || !(raster.getDataBuffer() instanceof DataBufferByte buffer)
        || buffer.getNumBanks() != 1
        || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel layout)) {
      return false;
    }
    for (int size : model.getComponentSize()) {
      if (size != 8) {
        return false;
      }
    }
    byte[] src = buffer.getData();
    int[] offsets = layout.getBandOffsets();
    int stride = layout.getPixelStride();
    int width = raster.getWidth();
    boolean grey = model.getNumColorComponents() == 1;
    int r = offsets[0];
    int g = grey ? offsets[0] : offsets[1];
    int b = grey ? offsets[0] : offsets[2];
    int a = model.hasAlpha() ? offsets[model.getNumComponents() - 1] : -1;
    if (a < 0 && stride == 3 && g == 1 && (r == 2 && b == 0 || r == 0 && b == 2)) {
      // The common cases, JPEG's BGR and PNG's RGB, with constant offsets the JIT can optimise.
      boolean bgr = r == 2;
      for (int y = 0; y < raster.getHeight(); y++) {
        int in = buffer.getOffset() + y * layout.getScanlineStride();
        int out = y * width;
        for (int x = 0; x < width; x++, in += 3) {
          int first = src[in] & 0xFF;
          int second = src[in + 1] & 0xFF;
          int third = src[in + 2] & 0xFF;
          dst[out + x] =
              bgr ? (third << 16) | (second << 8) | first : (first << 16) | (second << 8) | third;
        }
      }
      return true;
    }
    for (int y = 0; y < raster.getHeight(); y++) {
      int in = buffer.getOffset() + y * layout.getScanlineStride();
      int out = y * width;
      for (int x = 0; x < width; x++, in += stride) {
        int red = src[in + r] & 0xFF;
        int green = src[in + g] & 0xFF;
        int blue = src[in + b] & 0xFF;
        if (a >= 0) {
          int alpha = src[in + a] & 0xFF;
          red = blend(red, alpha);
          green = blend(green, alpha);
          blue = blend(blue, alpha);
        }
        dst[out + x] = (red << 16) | (green << 8) | blue;
      }
    }
    return true;
  }

  /** General path for component samples of any depth (16-bit PNG, packed 1/2/4-bit grey). */
  private static void fromSamples(WritableRaster raster, ColorModel model, int[] dst) {
    int width = raster.getWidth();
    int bands = raster.getNumBands();
    int[] max = new int[bands];
    for (int band = 0; band < bands; band++) {
      max[band] = (1 << model.getComponentSize(band)) - 1;
    }
    boolean grey = model.getNumColorComponents() == 1;
    int alphaBand = model.hasAlpha() ? bands - 1 : -1;
    int[] row = new int[width * bands];
    for (int y = 0; y < raster.getHeight(); y++) {
      raster.getPixels(0, y, width, 1, row);
      for (int x = 0; x < width; x++) {
        int p = x * bands;
        int red = to8Bits(row[p], max[0]);
        int green = grey ? red : to8Bits(row[p + 1], max[1]);
        int blue = grey ? red : to8Bits(row[p + 2], max[2]);
        if (alphaBand >= 0) {
          int alpha = to8Bits(row[p + alphaBand], max[alphaBand]);
          red = blend(red, alpha);
          green = blend(green, alpha);
          blue = blend(blue, alpha);
        }
        dst[y * width + x] = (red << 16) | (green << 8) | blue;
      }
    }
  }

  /** Scales a sample in 0..max to 0..255 with rounding (65535 → 255, 32768 → 128). */
  private static int to8Bits(int sample, int max) {
    return max == 255 ? sample : (sample * 255 + max / 2) / max;
  }

  /** Non-premultiplied ARGB composited over white, as opaque RGB. */
  static int overWhite(int argb) {
    int alpha = argb >>> 24;
    if (alpha == 255) {
      return argb & 0xFFFFFF;
    }
    int red = blend((argb >> 16) & 0xFF, alpha);
    int green = blend((argb >> 8) & 0xFF, alpha);
    int blue = blend(argb & 0xFF, alpha);
    return (red << 16) | (green << 8) | blue;
  }

  /** One channel of {@code colour * alpha + white * (1 - alpha)}, rounded. */
  private static int blend(int colour, int alpha) {
    return (colour * alpha + 255 * (255 - alpha) + 127) / 255;
  }
}
