package org.dalle.pipelines.image;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Signatures of image formats that the JVM's ImageIO readers do not decode, so that such files are
 * rejected as {@code unsupported_image} rather than {@code not_an_image}.
 */
final class KnownFormats {
  private static final Set<String> HEIF_BRANDS =
      Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1");
  private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");

  private KnownFormats() {}

  /** A name such as {@code heif} for a recognised but undecodable format, else null. */
  static String undecodableFormat(byte[] b) {
    if (ascii(b, 4, "ftyp") && b.length >= 12) {
      String brand = new String(b, 8, 4, StandardCharsets.US_ASCII);
      if (AVIF_BRANDS.contains(brand)) {
        return "avif";
      }
      if (HEIF_BRANDS.contains(brand)) {
        return "heif";
      }
    }
    if (startsWith(b, 0xFF, 0x0A) || (ascii(b, 4, "JXL ") && startsWith(b, 0, 0, 0, 0x0C))) {
      return "jpeg xl";
    }
    if (startsWith(b, 0xFF, 0x4F, 0xFF, 0x51) || (ascii(b, 4, "jP  ") && startsWith(b, 0, 0, 0))) {
      return "jpeg 2000";
    }
    if (ascii(b, 0, "8BPS")) {
      return "photoshop psd";
    }
    if (ascii(b, 0, "qoif")) {
      return "qoi";
    }
    return null;
  }

  private static boolean ascii(byte[] b, int offset, String text) {
    if (b.length < offset + text.length()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (b[offset + i] != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
