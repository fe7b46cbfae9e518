package org.dalle.jobs.cli;

import static org.dalle.jobs.cli.CommandSupport.put;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dalle.jobs.distributed.LocalRanks;
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
              + " names the changed keys); out, threads, checkpoint_every, keep_checkpoints,"
              + " zero_stage and ranks_per_node may change.")
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

  @Option(
      names = "--zero-stage",
      paramLabel = "K",
      description =
          "With several ranks, shard the training state over them (ZeRO): 1 the optimizer moments"
              + " and the EMA, 2 also the averaged gradients, 3 also the parameters between"
              + " updates; 0 (the default) keeps all of it on every rank.")
  Integer zeroStage;

  @Option(
      names = "--ranks-per-node",
      paramLabel = "L",
      description =
          "With several ranks, how many consecutive ranks share a machine: rank r is on machine"
              + " r / L. With PowerSGD (DALLE_POWERSGD_RANK) and 1 < L < the world size, gradients"
              + " are averaged plainly inside a machine and compressed only between machines, as"
              + " in the paper. L must divide the world size; default torchrun's LOCAL_WORLD_SIZE,"
              + " else all ranks on one machine (--nproc N sets it to N).")
  Integer ranksPerNode;

  /** How the run treats existing checkpoints, from --resume and --allow-config-change. */
  ResumeMode mode() {
    return ResumeMode.of(resume, allowConfigChange);
  }

  @Option(
      names = "--nproc",
      paramLabel = "N",
      description =
          "Train with N processes on this machine, data parallel over PyTorch's Gloo on loopback"
              + " (like torchrun --standalone): each rank takes batch_size / N examples of every"
              + " batch, rank 0 writes metrics, checkpoints and the export, the logs of the other"
              + " ranks go to OUT/ranks/. On a cluster the Indexed Job sets RANK (or"
              + " JOB_COMPLETION_INDEX), WORLD_SIZE, MASTER_ADDR and MASTER_PORT instead.")
  int nproc = 1;

  /** Whether this invocation starts {@code --nproc} ranks instead of training itself. */
  boolean startsRanks() {
    if (nproc < 1) {
      throw new IllegalArgumentException("--nproc is " + nproc + "; expected at least 1");
    }
    return nproc > 1;
  }

  /**
   * Runs this command as {@code --nproc} ranks on loopback and waits for them.
   *
   * @param args the command line, from the subcommand's name on
   * @param out the run directory
   * @return the exit code
   */
  int startRanks(List<String> args, String out) throws IOException, InterruptedException {
    return LocalRanks.run(nproc, DalleCommand.class.getName(), args, Path.of(out));
  }

  /**
   * The given flags as config overrides: checkpoint_every, keep_checkpoints, threads, zero_stage,
   * ranks_per_node.
   */
  void putOverrides(Map<String, Object> overrides) {
    put(overrides, "checkpoint_every", checkpointEvery);
    put(overrides, "keep_checkpoints", keepCheckpoints);
    put(overrides, "threads", threads);
    put(overrides, "zero_stage", zeroStage);
    put(overrides, "ranks_per_node", ranksPerNode);
  }
}
