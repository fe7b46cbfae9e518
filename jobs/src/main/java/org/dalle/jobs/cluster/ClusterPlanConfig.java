package org.dalle.jobs.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code dalle plan-cluster} models: a transformer prior trained on {@code nodes} machines of
 * {@code gpusPerNode} GPUs, its state sharded over the GPUs of a machine and its gradients averaged
 * between machines (section 2.5 of the paper).
 *
 * @param model the prior's sizes
 * @param precision bytes of each parameter's state and of an activation
 * @param emaOnGpu whether the EMA of the weights is kept on the GPUs (else in host memory)
 * @param batchSize sequences per update over all GPUs (the paper: 1024 on 1024 GPUs)
 * @param gpuMemoryGib memory of one GPU in GiB, as cards are sold (a 16 GB V100 holds 16 GiB)
 * @param reservedGb memory of each GPU that training state cannot use, in GB: the CUDA context,
 *     library workspaces and allocator slack
 * @param gpusPerNode GPUs per machine, over which state is sharded (the paper: 8)
 * @param nodes machines (the paper: 128)
 * @param intraNodeGBps bandwidth of one GPU's collectives inside a machine, GB/s
 * @param interNodeGBps bandwidth of one machine's network link to the others, GB/s
 * @param powerSgdRank PowerSGD's rank r of each matrix over a machine; each GPU factors its shard
 *     at r / gpusPerNode (the paper: 896 for the 12B model)
 */
public record ClusterPlanConfig(
    ModelShape model,
    StatePrecision precision,
    boolean emaOnGpu,
    int batchSize,
    double gpuMemoryGib,
    double reservedGb,
    int gpusPerNode,
    int nodes,
    double intraNodeGBps,
    double interNodeGBps,
    int powerSgdRank) {

  /** The paper's run of the 12B prior: 128 machines of 8 16 GB V100s, batch 1024, rank 896. */
  public static ClusterPlanConfig paper() {
    return new ClusterPlanConfig(
        ModelShape.of(org.dalle.models.transformer.TransformerConfig.paper()),
        StatePrecision.FP16_STATE,
        true,
        1024,
        16,
        1.0,
        8,
        128,
        100,
        12.5,
        896);
  }

  /** GPUs in all. */
  public int gpus() {
    return gpusPerNode * nodes;
  }

  /** Sequences each GPU computes per update: the batch over all GPUs, rounded up. */
  public int sequencesPerGpu() {
    return (batchSize + gpus() - 1) / gpus();
  }

  /** One GPU's memory in bytes. */
  public double gpuMemoryBytes() {
    return gpuMemoryGib * (1L << 30);
  }

  /**
   * Checks that the values describe a cluster.
   *
   * @return this config
   * @throws IllegalArgumentException naming every bad value and what was expected
   */
  public ClusterPlanConfig validate() {
    List<String> problems = new ArrayList<>();
    if (model == null) {
      problems.add("no model; expected --config, --d-model with --layers, or --parameters");
    }
    if (precision == null) {
      problems.add("no precision; expected fp32, fp16 or fp16-state");
    }
    positive(problems, "--batch-size", batchSize);
    positive(problems, "--gpu-memory", gpuMemoryGib);
    if (!(reservedGb >= 0) || Double.isInfinite(reservedGb)) {
      problems.add("--reserved-memory is " + reservedGb + "; expected GB >= 0");
    }
    positive(problems, "--gpus-per-node", gpusPerNode);
    positive(problems, "--nodes", nodes);
    positive(problems, "--intra-node-bandwidth", intraNodeGBps);
    positive(problems, "--inter-node-bandwidth", interNodeGBps);
    positive(problems, "--powersgd-rank", powerSgdRank);
    if (powerSgdRank > 0 && gpusPerNode > 0 && powerSgdRank % gpusPerNode != 0) {
      problems.add(
          "--powersgd-rank is "
              + powerSgdRank
              + "; expected a multiple of --gpus-per-node ("
              + gpusPerNode
              + "): each GPU factors its shard at rank r / GPUs per node");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return this;
  }

  private static void positive(List<String> problems, String flag, int value) {
    if (value < 1) {
      problems.add(flag + " is " + value + "; expected at least 1");
    }
  }

  private static void positive(List<String> problems, String flag, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      problems.add(flag + " is " + value + "; expected a positive number");
    }
  }
}
