package org.dalle.collective;

/** The requests the collective helper serves; each one's code is its number on the wire. */
public enum CollectiveOp {
  /** Maps the shared-memory segment whose path the request carries. */
  MAP(1),
  /** Replaces the elements with their sum over the ranks of the request's group. */
  ALL_REDUCE_SUM(2),
  /** Replaces the elements with their mean over the ranks of the request's group. */
  ALL_REDUCE_MEAN(3),
  /** Replaces the elements with those of the root, a rank numbered within the request's group. */
  BROADCAST(4),
  /**
   * Gathers a region cut into one equal chunk per rank of the group: afterwards every rank holds
   * every rank's own chunk (the group's rank r contributes chunk r).
   */
  ALL_GATHER(5),
  /** Ends the helper after the reply. */
  CLOSE(6),
  /**
   * Reduces a region cut into one equal chunk per rank of the group: afterwards chunk r of the
   * group's rank r holds the mean over ranks of every rank's chunk r; the others are undefined.
   */
  REDUCE_SCATTER_MEAN(7);

  private final int code;

  CollectiveOp(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The op with {@code code}. */
  public static CollectiveOp ofCode(int code) {
    for (CollectiveOp op : values()) {
      if (op.code == code) {
        return op;
      }
    }
    throw new IllegalArgumentException("unknown collective op code " + code);
  }
}
