package org.dalle.collective;

/**
 * Which process group a request runs on; each one's code is its number on the wire. The node and
 * cross groups exist when the ranks span several machines of several ranks each ({@link
 * NodeLayout#isHierarchical}): the paper's arrangement of a plain all-reduce inside a machine and
 * PowerSGD between machines (Section 2.5).
 */
public enum CollectiveGroup {
  /** Every rank; a rank's number is its global rank. */
  WORLD(0),
  /** The ranks of this rank's machine; a rank's number is its local rank. */
  NODE(1),
  /** The ranks with this rank's local rank, one per machine; a rank's number is its machine's. */
  CROSS(2);

  private final int code;

  CollectiveGroup(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The group with {@code code}. */
  public static CollectiveGroup ofCode(int code) {
    for (CollectiveGroup group : values()) {
      if (group.code == code) {
        return group;
      }
    }
    throw new IllegalArgumentException("unknown process group code " + code + "; expected 0 to 2");
  }
}
