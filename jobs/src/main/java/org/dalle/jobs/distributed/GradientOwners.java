package org.dalle.jobs.distributed;

import java.util.Arrays;

/**
 * Which local rank of a machine compresses each gradient when PowerSGD runs between machines
 * ({@link PowerSgd}): the paper has each GPU of a machine compress its share (Section 2.5). The
 * assignment depends only on the sizes, so every rank computes the same one without a message.
 */
final class GradientOwners {

  private GradientOwners() {}

  /**
   * The owner of each gradient among {@code ranksPerNode} local ranks: largest first, each to the
   * local rank with the fewest elements so far (the lowest on a tie).
   *
   * @param sizes elements of each gradient, in parameter order
   */
  static int[] assign(long[] sizes, int ranksPerNode) {
    if (ranksPerNode < 1) {
      throw new IllegalArgumentException(ranksPerNode + " ranks per node; expected at least 1");
    }
    Integer[] order = new Integer[sizes.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> sizes[a] != sizes[b] ? Long.compare(sizes[b], sizes[a]) : a - b);
    long[] load = new long[ranksPerNode];
    int[] owners = new int[sizes.length];
    for (int i : order) {
      int least = 0;
      for (int l = 1; l < ranksPerNode; l++) {
        if (load[l] < load[least]) {
          least = l;
        }
      }
      owners[i] = least;
      load[least] += sizes[i];
    }
    return owners;
  }
}
