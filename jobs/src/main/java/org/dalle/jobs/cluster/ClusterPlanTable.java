package org.dalle.jobs.cluster;

import java.io.PrintWriter;
import java.util.Locale;
import org.dalle.models.transformer.TransformerConfig;

/** {@code dalle plan-cluster}'s readable output: the inputs, one row per strategy, the checks. */
public final class ClusterPlanTable {
  private ClusterPlanTable() {}

  public static void print(ClusterPlan plan, PrintWriter out) {
    ClusterPlanConfig c = plan.config();
    ModelShape model = c.model();
    TransformerConfig t = model.transformer();
    line(
        out,
        "Model: %d layers, d_model %d, %d heads, %d tokens; %.2f·10⁹ parameters, %.2f·10⁹ in"
            + " resblock matrices",
        t.layers(),
        t.dModel(),
        t.heads(),
        t.sequenceLength(),
        model.parameters() / 1e9,
        model.matrixParameters() / 1e9);
    StatePrecision.StateBytes mb = c.precision().matrices();
    StatePrecision.StateBytes ob = c.precision().others();
    line(
        out,
        "State (%s): bytes per matrix parameter %d weight + %d gradient + %d Adam + %d EMA%s,"
            + " per other parameter %d + %d + %d + %d; activations %d bytes",
        c.precision().flagName(),
        mb.weights(),
        mb.gradients(),
        mb.adamMoments(),
        mb.ema(),
        c.emaOnGpu() ? "" : " (EMA in host memory)",
        ob.weights(),
        ob.gradients(),
        ob.adamMoments(),
        ob.ema(),
        c.precision().activationBytes());
    line(
        out,
        "Cluster: %d nodes × %d GPUs = %d GPUs of %.0f GiB (%.1f GB, %.1f GB reserved); %d"
            + " sequence(s) per GPU of a batch of %d",
        c.nodes(),
        c.gpusPerNode(),
        c.gpus(),
        c.gpuMemoryGib(),
        c.gpuMemoryBytes() / ClusterPlanner.GB,
        c.reservedGb(),
        c.sequencesPerGpu(),
        c.batchSize());
    line(
        out,
        "Bandwidth: %.1f GB/s per GPU inside a node, %.1f GB/s per node between nodes",
        c.intraNodeGBps(),
        c.interNodeGBps());
    out.println();
    line(
        out,
        "%-26s %8s %8s %8s %8s %8s %8s %8s %-5s %9s %9s %9s",
        "per GPU, GB",
        "weights",
        "grads",
        "Adam",
        "EMA",
        "error",
        "activ.",
        "total",
        "fits",
        "intra s",
        "inter s",
        "comm s");
    for (StrategyPlan row : plan.strategies()) {
      line(
          out,
          "%-26s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f %-5s %9.3f %9.3f %9.3f",
          row.strategy().label(),
          row.weightsGb(),
          row.gradientsGb(),
          row.adamGb(),
          row.emaGb(),
          row.errorGb(),
          row.activationsGb(),
          row.totalGb(),
          row.fits() ? "yes" : "no",
          row.intraNodeSeconds(),
          row.interNodeSeconds(),
          row.seconds());
    }
    line(
        out,
        "(comm: bandwidth terms of ring collectives, intra then inter, no latency, no overlap with"
            + " compute; activations with per-resblock checkpointing, dense-attention bound)");
    out.println();
    PowerSgdRates p = plan.powerSgd();
    line(
        out,
        "PowerSGD at rank %d (%d per GPU shard): %.1f%% of the resblock matrices' gradients not"
            + " sent (the paper's accounting), %.1f%% of the whole model's (the rest uncompressed);"
            + " %.1f%% if every whole matrix were factored at rank %d without sharding",
        p.rank(),
        p.rankPerGpu(),
        100 * p.paperRate(),
        100 * p.wholeModelRate(),
        100 * p.perMatrixRate(),
        p.rank());
    out.println();
    line(out, "Against the paper (its configuration: 12B, 128 × 8 V100 16 GB, rank 896):");
    for (PaperCheck check : plan.paperChecks()) {
      line(
          out,
          "  [%s] %s: paper %s; model %s",
          check.agrees() ? "ok" : "DIFFERS",
          check.claim(),
          check.paper(),
          check.model());
    }
    out.flush();
  }

  private static void line(PrintWriter out, String pattern, Object... args) {
    out.println(String.format(Locale.ROOT, pattern, args));
  }
}
