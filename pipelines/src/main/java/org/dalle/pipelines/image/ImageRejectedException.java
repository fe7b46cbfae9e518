package org.dalle.pipelines.image;

/**
 * An image that the prepare pipeline cannot use. {@link #reason()} is the snake_case code written
 * to {@code Rejected.reason}; the message is the human-readable detail written to {@code
 * Rejected.detail}.
 */
public final class ImageRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The file has no bytes at all. */
  public static final String EMPTY_FILE = "empty_file";

  /** No known image format matches the leading bytes. */
  public static final String NOT_AN_IMAGE = "not_an_image";

  /** The header reads, but the pixel data is cut short or corrupt. */
  public static final String TRUNCATED = "truncated";

  /** The header declares more pixels than allowed (checked before any pixel is decoded). */
  public static final String TOO_MANY_PIXELS = "too_many_pixels";

  /** A recognised format (or variant of one) that no installed decoder can read. */
  public static final String UNSUPPORTED_IMAGE = "unsupported_image";

  private final String reason;

  public ImageRejectedException(String reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  public ImageRejectedException(String reason, String detail, Throwable cause) {
    super(detail, cause);
    this.reason = reason;
  }

  /** The snake_case reason code, one of the constants of this class. */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return "ImageRejectedException[" + reason + "]: " + getMessage();
  }
}
