package org.dalle.jobs.train;

import static org.dalle.jobs.config.ConfigChecks.atLeast;
import static org.dalle.jobs.config.ConfigChecks.required;

import java.io.Serializable;

/**
 * The settings every training job shares, embedded in each {@code Train*Config} and read by {@link
 * TrainingLoop}. Their keys stand at the top level of the job's YAML file ({@link
 * org.dalle.jobs.config.Inline}), as they always have.
 *
 * @param out the run directory (checkpoints, metrics, figures, export)
 * @param batchSize examples per update
 * @param steps updates in the whole run (schedules span them)
 * @param checkpointEvery updates between checkpoints (one is also written at the end and on a stop)
 * @param keepCheckpoints how many of the newest checkpoints to keep
 * @param seed seed of initialisation, data order and every other random draw of the job
 * @param threads intra-op CPU threads of the engine (0: the engine's default)
 * @param zeroStage how the ranks of a data-parallel run share the training state (ZeRO, Rajbhandari
 *     et al. 2020): 0 every rank holds all of it; 1 each rank keeps and updates only its shard of
 *     the optimizer moments and the EMA; 2 also receives only its shard of the averaged gradients
 *     (reduce-scatter); 3 also keeps only its shard of the parameters between updates, gathered for
 *     each forward and backward pass. No effect with one process.
 * @param ranksPerNode how many consecutive ranks of a data-parallel run share a machine (0:
 *     torchrun's {@code LOCAL_WORLD_SIZE}, else all on one); with PowerSGD and several machines of
 *     several ranks, the gradients are averaged plainly inside a machine and compressed between
 *     machines (Section 2.5). Checked against the world size when the ranks start.
 */
public record TrainingSettings(
    String out,
    int batchSize,
    long steps,
    long checkpointEvery,
    int keepCheckpoints,
    long seed,
    int threads,
    int zeroStage,
    int ranksPerNode)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * Checks the shared settings.
   *
   * @param job the run directory's usual name, for the message when {@code out} is missing
   * @param minBatch the least batch size the job can learn from
   * @return these settings
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public TrainingSettings validate(String job, int minBatch) {
    required("out", out, "the run directory (e.g. --out runs/x/" + job + ")");
    atLeast("batch_size", batchSize, minBatch);
    atLeast("steps", steps, 1);
    atLeast("checkpoint_every", checkpointEvery, 1);
    atLeast("keep_checkpoints", keepCheckpoints, 1);
    atLeast("threads", threads, 0);
    if (zeroStage < 0 || zeroStage > 3) {
      throw new IllegalArgumentException("zero_stage is " + zeroStage + "; expected 0, 1, 2 or 3");
    }
    atLeast("ranks_per_node", ranksPerNode, 0);
    return this;
  }

  /** These settings with another run directory. */
  public TrainingSettings withOut(String other) {
    return new TrainingSettings(
        other,
        batchSize,
        steps,
        checkpointEvery,
        keepCheckpoints,
        seed,
        threads,
        zeroStage,
        ranksPerNode);
  }
}
