package org.dalle.jobs.train;

import java.util.OptionalDouble;

/**
 * The mean loss of each window of {@code size} updates in a row, which a plateau detector ({@link
 * PlateauHalving}) observes instead of every noisy update. Its sum and count are part of a
 * checkpoint, so a resumed run closes its windows at the same updates.
 */
public final class LossWindow {
  private final long size;
  private double sum;
  private long count;

  /**
   * @param size updates per window, at least 1
   */
  public LossWindow(long size) {
    if (size < 1) {
      throw new IllegalArgumentException("a loss window of " + size + " updates; expected >= 1");
    }
    this.size = size;
  }

  /** Adds one update's loss; returns the window's mean when this update closes it. */
  public OptionalDouble add(double loss) {
    sum += loss;
    count++;
    if (count < size) {
      return OptionalDouble.empty();
    }
    double mean = sum / count;
    sum = 0;
    count = 0;
    return OptionalDouble.of(mean);
  }

  /** The sum of the losses of the window in progress. */
  public double sum() {
    return sum;
  }

  /** The updates in the window in progress. */
  public long count() {
    return count;
  }

  /** Continues a window saved with {@link #sum} and {@link #count}. */
  public void restore(double savedSum, long savedCount) {
    this.sum = savedSum;
    this.count = savedCount;
  }
}
