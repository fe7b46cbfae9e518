package org.dalle.jobs.cli;

import static org.dalle.jobs.cli.CommandSupport.put;

import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags every {@code train-*} command shares, mixed into each: checkpointing, resuming and the
 * engine's thread count. Each overrides the config key of the same name when given.
 */
final class TrainingRunOptions {

  @Option(
      names = "--checkpoint-every",
      paramLabel = "N",
      description =
          "Updates between checkpoints (train-dvae also writes reconstructions.png then).")
  Long checkpointEvery;

  @Option(
      names = "--keep-checkpoints",
      paramLabel = "N",
      description = "How many of the newest checkpoints to keep.")
  Integer keepCheckpoints;

  @Option(
      names = "--resume",
      description =
          "Continue exactly from the latest checkpoint in --out (a fresh start if there is none).")
  boolean resume;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "CPU threads of the engine's operators (0: the engine's default).")
  Integer threads;

  /** The given flags as config overrides: checkpoint_every, keep_checkpoints, threads. */
  void putOverrides(Map<String, Object> overrides) {
    put(overrides, "checkpoint_every", checkpointEvery);
    put(overrides, "keep_checkpoints", keepCheckpoints);
    put(overrides, "threads", threads);
  }
}
