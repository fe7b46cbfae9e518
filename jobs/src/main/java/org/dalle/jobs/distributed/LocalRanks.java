package org.dalle.jobs.distributed;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dalle.collective.NodeLayout;
import org.dalle.collective.Rendezvous;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code --nproc N}: runs a training command as N processes on this machine that rendezvous on
 * loopback, like {@code torchrun --standalone}. Each child is this JVM's command line with the same
 * arguments less {@code --nproc}, and {@code RANK}, {@code WORLD_SIZE}, {@code MASTER_ADDR}, {@code
 * MASTER_PORT} and {@code LOCAL_WORLD_SIZE} (N: one machine, unless {@code --ranks-per-node} says
 * otherwise) set; without {@code --threads}, each gets an equal share of the cores. Rank 0 writes
 * to this console; rank r writes to {@code OUT/ranks/rank-r.log}. When a rank fails, the others
 * fail on their own at their next collective; any still running after a grace period are ended, and
 * the first failure's exit code is returned.
 */
public final class LocalRanks {
  private static final Logger LOG = LoggerFactory.getLogger(LocalRanks.class);

  /** How long the other ranks get to fail on their own after one rank failed. */
  private static final long GRACE_SECONDS = 60;

  private LocalRanks() {}

  /**
   * Removes {@code --nproc N} (or {@code --nproc=N}) from a command line and adds {@code --threads}
   * with {@code cores / nproc} (at least 1) when it has none.
   */
  static List<String> rankArguments(List<String> args, int nproc, int cores) {
    List<String> result = new ArrayList<>();
    boolean threads = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--nproc")) {
        i++;
        continue;
      }
      if (arg.startsWith("--nproc=")) {
        continue;
      }
      threads |= arg.equals("--threads") || arg.startsWith("--threads=");
      result.add(arg);
    }
    if (!threads) {
      result.add("--threads");
      result.add(Integer.toString(Math.max(1, cores / nproc)));
    }
    return result;
  }

  /**
   * Starts {@code nproc} ranks of {@code mainClass} with {@code args} and waits for them.
   *
   * @param out the run directory, for the logs of ranks above 0
   * @return 0 when every rank succeeded, else the exit code of the first rank that failed
   */
  public static int run(int nproc, String mainClass, List<String> args, Path out)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(rankArguments(args, nproc, Runtime.getRuntime().availableProcessors()));
    Path logs = Files.createDirectories(out.resolve("ranks"));
    LOG.info(
        String.format(
            "starting %d ranks on 127.0.0.1:%d (logs of ranks 1..%d in %s)",
            nproc, port, nproc - 1, logs));
    // Ctrl-C reaches the ranks too (one process group): they agree on a stop, checkpoint and
    // exit, and this process waits for them instead of exiting first.
    Signal.handle(new Signal("INT"), signal -> LOG.info("waiting for the ranks to stop"));
    List<Process> ranks = new ArrayList<>();
    Thread reaper = new Thread(() -> stopAll(ranks)); // on SIGTERM: stop them, let them checkpoint
    Runtime.getRuntime().addShutdownHook(reaper);
    try {
      for (int rank = 0; rank < nproc; rank++) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put(Rendezvous.RANK, Integer.toString(rank));
        env.put("LOCAL_RANK", Integer.toString(rank));
        env.put(NodeLayout.LOCAL_WORLD_SIZE, Integer.toString(nproc));
        env.put(Rendezvous.WORLD_SIZE, Integer.toString(nproc));
        env.put(Rendezvous.MASTER_ADDR, "127.0.0.1");
        env.put(Rendezvous.MASTER_PORT, Integer.toString(port));
        if (rank == 0) {
          builder.inheritIO();
        } else {
          File file = logs.resolve("rank-" + rank + ".log").toFile();
          builder.redirectErrorStream(true).redirectOutput(file);
        }
        ranks.add(builder.start());
      }
      return waitFor(ranks);
    } finally {
      ranks.forEach(Process::destroy);
      Runtime.getRuntime().removeShutdownHook(reaper);
    }
  }

  private static void stopAll(List<Process> ranks) {
    ranks.forEach(Process::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
    for (Process rank : ranks) {
      try {
        rank.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static int waitFor(List<Process> ranks) throws InterruptedException {
    while (true) {
      boolean running = false;
      for (int rank = 0; rank < ranks.size(); rank++) {
        Process process = ranks.get(rank);
        if (process.isAlive()) {
          running = true;
        } else if (process.exitValue() != 0) {
          int code = process.exitValue();
          LOG.info(
              String.format("rank %d exited with code %d; waiting for the others", rank, code));
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
          for (Process other : ranks) {
            other.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            other.destroyForcibly();
          }
          return code;
        }
      }
      if (!running) {
        return 0;
      }
      Thread.sleep(100);
    }
  }
}
