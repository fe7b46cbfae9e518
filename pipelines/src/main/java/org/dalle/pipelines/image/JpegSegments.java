package org.dalle.pipelines.image;

/**
 * Finds marker segments in the header of a JPEG (the part before the first start-of-scan), without
 * decoding anything: the Exif block with the orientation, the ICC profile.
 */
final class JpegSegments {
  /** APP1, which holds Exif. */
  static final int APP1 = 0xE1;

  /** APP2, which holds ICC profiles. */
  static final int APP2 = 0xE2;

  private JpegSegments() {}

  /**
   * The offset of the first byte after {@code prefix} in the first {@code marker} segment whose
   * body starts with {@code prefix}, or -1 when there is none (or the file is not a JPEG). The body
   * ends at {@link #end}{@code (jpeg, offset)}.
   */
  static int find(byte[] jpeg, int marker, byte[] prefix) {
    if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      return -1;
    }
    int pos = 2;
    while (pos + 4 <= jpeg.length) {
      if ((jpeg[pos] & 0xFF) != 0xFF) {
        return -1;
      }
      int current = jpeg[pos + 1] & 0xFF;
      if (current == 0xFF) {
        pos++; // fill byte before a marker
        continue;
      }
      if (current == 0xDA || current == 0xD9) {
        return -1; // start of scan or end of image: header segments all come before it
      }
      if (current == 0x01 || (current >= 0xD0 && current <= 0xD7)) {
        pos += 2; // markers without a length
        continue;
      }
      int length = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
      int start = pos + 4;
      int end = pos + 2 + length;
      if (length < 2 || end > jpeg.length) {
        return -1;
      }
      if (current == marker && startsWith(jpeg, start, end, prefix)) {
        return start + prefix.length;
      }
      pos = end;
    }
    return -1;
  }

  /** One past the last byte of the segment containing {@code offset} (as returned by find). */
  static int end(byte[] jpeg, int offset, byte[] prefix) {
    int lengthAt = offset - prefix.length - 2;
    return lengthAt + (((jpeg[lengthAt] & 0xFF) << 8) | (jpeg[lengthAt + 1] & 0xFF));
  }

  private static boolean startsWith(byte[] data, int start, int end, byte[] prefix) {
    if (end - start < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[start + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
