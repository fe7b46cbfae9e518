package org.dalle.jobs.cli;

import static org.dalle.jobs.cli.CommandSupport.put;

import java.util.Map;
import org.dalle.jobs.train.ResumeMode;
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
          "Continue exactly from the latest checkpoint in --out (a fresh start if there is none)."
              + " Refused when the resolved config differs from the checkpoint's (the message"
              + " names the changed keys); out, threads, checkpoint_every and keep_checkpoints may"
              + " change.")
  boolean resume;

  @Option(
      names = "--allow-config-change",
      description =
          "With --resume: continue even though the config differs from the checkpoint's;"
              + " run.json records the changed keys.")
  boolean allowConfigChange;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "CPU threads of the engine's operators (0: the engine's default).")
  Integer threads;

  /** How the run treats existing checkpoints, from --resume and --allow-config-change. */
  ResumeMode mode() {
    return ResumeMode.of(resume, allowConfigChange);
  }

  /** The given flags as config overrides: checkpoint_every, keep_checkpoints, threads. */
  void putOverrides(Map<String, Object> overrides) {
    put(overrides, "checkpoint_every", checkpointEvery);
    put(overrides, "keep_checkpoints", keepCheckpoints);
    put(overrides, "threads", threads);
  }
}
