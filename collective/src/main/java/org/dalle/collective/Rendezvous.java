package org.dalle.collective;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where this process stands among the processes of one training run, read from the environment the
 * way {@code torchrun} and a Kubernetes Indexed Job set it.
 *
 * <ul>
 *   <li>{@code RANK}, or else {@code JOB_COMPLETION_INDEX} (the Indexed Job's completion index);
 *   <li>{@code WORLD_SIZE}: how many processes take part;
 *   <li>{@code MASTER_ADDR}: rank 0's host, on a cluster {@code <job>-0.<headless service>};
 *   <li>{@code MASTER_PORT}: the port of rank 0's c10d {@code TCPStore}.
 * </ul>
 *
 * @param rank this process's index, in [0, worldSize)
 * @param worldSize the number of processes
 * @param masterAddress rank 0's host name or address
 * @param masterPort the store's port on that host
 */
public record Rendezvous(int rank, int worldSize, String masterAddress, int masterPort) {

  public static final String RANK = "RANK";
  public static final String COMPLETION_INDEX = "JOB_COMPLETION_INDEX";
  public static final String WORLD_SIZE = "WORLD_SIZE";
  public static final String MASTER_ADDR = "MASTER_ADDR";
  public static final String MASTER_PORT = "MASTER_PORT";

  /** The port {@code torchrun} uses when none is given. */
  public static final int DEFAULT_PORT = 29500;

  public Rendezvous {
    List<String> problems = new ArrayList<>();
    if (worldSize < 1) {
      problems.add("WORLD_SIZE is " + worldSize + "; expected at least 1");
    } else if (rank < 0 || rank >= worldSize) {
      problems.add("RANK is " + rank + "; expected 0 to " + (worldSize - 1));
    }
    if (masterAddress == null || masterAddress.isBlank()) {
      problems.add("MASTER_ADDR is empty; expected rank 0's host");
    }
    if (masterPort < 1 || masterPort > 65535) {
      problems.add("MASTER_PORT is " + masterPort + "; expected 1 to 65535");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * The rendezvous the environment describes; one process on its own (rank 0 of 1 on loopback) when
   * {@code WORLD_SIZE} is absent.
   *
   * @throws IllegalArgumentException naming every missing or bad variable
   */
  public static Rendezvous fromEnvironment(Map<String, String> env) {
    String world = env.get(WORLD_SIZE);
    if (world == null || world.isBlank()) {
      return new Rendezvous(0, 1, "127.0.0.1", DEFAULT_PORT);
    }
    String rank = env.getOrDefault(RANK, env.get(COMPLETION_INDEX));
    if (rank == null) {
      throw new IllegalArgumentException(
          "WORLD_SIZE is "
              + world
              + " but neither RANK nor JOB_COMPLETION_INDEX is set; expected this process's rank");
    }
    String address = env.get(MASTER_ADDR);
    if (address == null) {
      throw new IllegalArgumentException(
          "WORLD_SIZE is " + world + " but MASTER_ADDR is not set; expected rank 0's host");
    }
    return new Rendezvous(
        parse(RANK, rank),
        parse(WORLD_SIZE, world),
        address,
        env.containsKey(MASTER_PORT) ? parse(MASTER_PORT, env.get(MASTER_PORT)) : DEFAULT_PORT);
  }

  /** Whether more than one process takes part. */
  public boolean isDistributed() {
    return worldSize > 1;
  }

  /** Whether rank 0's host is this machine's loopback (a local run with {@code --nproc}). */
  public boolean isLoopback() {
    return masterAddress.equals("localhost") || masterAddress.startsWith("127.");
  }

  private static int parse(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is '" + value + "'; expected an integer", e);
    }
  }
}
