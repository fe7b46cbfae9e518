package org.dalle.collective;

/** The element types a request may name; each one's code is its number on the wire. */
public enum ElementType {
  FLOAT32(0, 4),
  FLOAT64(1, 8);

  private final int code;
  private final int bytes;

  ElementType(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  public int code() {
    return code;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** The type with {@code code}. */
  public static ElementType ofCode(int code) {
    for (ElementType type : values()) {
      if (type.code == code) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown element type code " + code);
  }
}
