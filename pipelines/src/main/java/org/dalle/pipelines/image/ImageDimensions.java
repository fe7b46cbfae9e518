package org.dalle.pipelines.image;

/**
 * Width and height declared by an image's header, and the ImageIO format name that read it.
 *
 * @param width declared width in pixels, positive
 * @param height declared height in pixels, positive
 * @param format lower-case format name, e.g. {@code jpeg} or {@code png}
 */
public record ImageDimensions(int width, int height, String format) {

  /** Declared pixel count, as a long so that bomb headers such as 100000 x 100000 do not wrap. */
  public long pixels() {
    return (long) width * height;
  }
}
