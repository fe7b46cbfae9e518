package org.dalle.jobs.train;

/**
 * Where in the data a run stands: after {@code index} examples (in the order {@link
 * Seeds#epochRandom} gives epoch {@code epoch}) have been consumed. A resumed run skips to this
 * position instead of replaying data.
 *
 * @param epoch the 0-based epoch
 * @param index examples of that epoch already consumed
 */
public record DataPosition(long epoch, long index) {

  public DataPosition {
    if (epoch < 0 || index < 0) {
      throw new IllegalArgumentException(
          "data position needs epoch >= 0 and index >= 0, got epoch " + epoch + ", index " + index);
    }
  }

  /** The start of training. */
  public static DataPosition start() {
    return new DataPosition(0, 0);
  }
}
