package org.dalle.jobs.train;

import java.nio.file.Path;

/**
 * A training loop without a model, run in a child JVM by {@link GracefulStopTest}: it takes steps
 * until a stop is requested, then writes a checkpoint and exits with the stop's code.
 */
public final class FakeTrainingLoop {

  private FakeTrainingLoop() {}

  public static void main(String[] args) throws Exception {
    CheckpointStore store = new CheckpointStore(Path.of(args[0]), 2);
    long step = 0;
    int exitCode;
    try (StopSignal stop = StopSignal.install()) {
      System.out.println("ready");
      System.out.flush();
      while (!stop.isRequested() && step < 1_000_000) {
        Thread.sleep(2); // one "update"
        step++;
      }
      try (CheckpointWriter writer = store.begin(step)) {
        writer.putText("reason.txt", stop.reason().orElse("none"));
        writer.commit(new DataPosition(0, step), 1L, "fake: true\n");
      }
      System.out.println("stopped at step " + step);
      exitCode = stop.exitCode();
    }
    System.exit(exitCode);
  }
}
