package org.dalle.jobs.quickstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One stage of the quickstart's chain ({@link StageChain}): a job that writes one output folder,
 * and knows when that folder is already complete, so an interrupted run continues where it stopped.
 */
interface Stage {

  /** The name its header and the stage-time table show, such as {@code 2/8 train-dvae}. */
  String name();

  /** The folder it writes. */
  Path out();

  /**
   * Why the stage's outputs are complete already (what was checked, such as {@code
   * runs/quickstart/dvae/export is complete}); empty when the stage has work to do.
   */
  Optional<String> complete() throws IOException;

  /**
   * Does the stage's work.
   *
   * @return 0 when the stage finished; otherwise the exit code the chain stops with, such as a stop
   *     signal's after Ctrl-C
   */
  int run() throws Exception;

  /** The completeness check of a stage. */
  @FunctionalInterface
  interface Check {
    Optional<String> complete() throws IOException;
  }

  /** The work of a stage, returning its exit code. */
  @FunctionalInterface
  interface Work {
    int run() throws Exception;
  }

  /** A stage of these parts. */
  static Stage of(String name, Path out, Check check, Work work) {
    return new Stage() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Path out() {
        return out;
      }

      @Override
      public Optional<String> complete() throws IOException {
        return check.complete();
      }

      @Override
      public int run() throws Exception {
        return work.run();
      }
    };
  }

  /** A check that finds the stage complete when {@code file} exists: "FILE exists". */
  static Check whenExists(Path file) {
    return () -> Files.exists(file) ? Optional.of(file + " exists") : Optional.empty();
  }
}
