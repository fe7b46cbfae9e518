package org.dalle.jobs.workflow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Runs one workflow step's container args through the dalle CLI. */
public interface StepLauncher {
  /**
   * Runs {@code dalle ARGS}, its output (stdout and stderr) written to {@code log}.
   *
   * @return the exit code, as the pod's container would end with it
   */
  int run(List<String> args, Path log) throws IOException, InterruptedException;
}
