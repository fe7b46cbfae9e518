package org.dalle.collective;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the ranks of a run lie on machines: {@code ranksPerNode} consecutive ranks per machine, so
 * rank r is on machine r / L with local rank r % L.
 *
 * @param worldSize the number of ranks, W
 * @param ranksPerNode ranks per machine, L, a divisor of W
 */
public record NodeLayout(int worldSize, int ranksPerNode) {

  /** Environment variable torchrun sets to the number of ranks on this machine. */
  public static final String LOCAL_WORLD_SIZE = "LOCAL_WORLD_SIZE";

  public NodeLayout {
    if (worldSize < 1) {
      throw new IllegalArgumentException("world size " + worldSize + "; expected at least 1");
    }
    if (ranksPerNode < 1 || worldSize % ranksPerNode != 0) {
      throw new IllegalArgumentException(
          "ranks per node is "
              + ranksPerNode
              + ", which does not divide the world size "
              + worldSize
              + "; expected one of "
              + divisors(worldSize));
    }
  }

  /** All ranks on one machine. */
  public static NodeLayout oneMachine(int worldSize) {
    return new NodeLayout(worldSize, worldSize);
  }

  /**
   * The layout of {@code worldSize} ranks: {@code ranksPerNode} when positive (the {@code
   * --ranks-per-node} flag), else {@code LOCAL_WORLD_SIZE} when set, else one machine.
   *
   * @throws IllegalArgumentException when the count is not a divisor of the world size
   */
  public static NodeLayout resolve(Map<String, String> env, int ranksPerNode, int worldSize) {
    if (ranksPerNode > 0) {
      return new NodeLayout(worldSize, ranksPerNode);
    }
    String local = env.get(LOCAL_WORLD_SIZE);
    if (local == null || local.isBlank()) {
      return oneMachine(worldSize);
    }
    try {
      return new NodeLayout(worldSize, Integer.parseInt(local.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          LOCAL_WORLD_SIZE + " is '" + local + "'; expected the number of ranks per machine", e);
    }
  }

  /** The number of machines, W / L. */
  public int nodes() {
    return worldSize / ranksPerNode;
  }

  /** The machine of {@code rank}. */
  public int node(int rank) {
    return rank / ranksPerNode;
  }

  /** The rank's number among the ranks of its machine. */
  public int localRank(int rank) {
    return rank % ranksPerNode;
  }

  /**
   * Whether the ranks span several machines of several ranks each: only then do the node and cross
   * groups differ from the world group and from single ranks.
   */
  public boolean isHierarchical() {
    return ranksPerNode > 1 && ranksPerNode < worldSize;
  }

  /** The size of {@code group}. */
  public int size(CollectiveGroup group) {
    return switch (group) {
      case WORLD -> worldSize;
      case NODE -> ranksPerNode;
      case CROSS -> nodes();
    };
  }

  /** {@code rank}'s number within {@code group}. */
  public int rankIn(CollectiveGroup group, int rank) {
    return switch (group) {
      case WORLD -> rank;
      case NODE -> localRank(rank);
      case CROSS -> node(rank);
    };
  }

  private static List<Integer> divisors(int n) {
    List<Integer> divisors = new ArrayList<>();
    for (int d = 1; d <= n; d++) {
      if (n % d == 0) {
        divisors.add(d);
      }
    }
    return divisors;
  }
}
