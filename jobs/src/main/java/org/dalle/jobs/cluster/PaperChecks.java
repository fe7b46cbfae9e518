package org.dalle.jobs.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paper's figures on memory and compression (section 2.5, Table 1 and the appendix's bandwidth
 * analysis), each recomputed by this model on the paper's configuration ({@link
 * ClusterPlanConfig#paper}), whatever the command line asked for.
 */
public final class PaperChecks {
  /** The paper's Table 1: d_model and the smallest PowerSGD rank without a loss gap. */
  static final int[][] TABLE_1 = {{1920, 512, 83}, {2688, 640, 85}, {3968, 896, 86}};

  static final String[] TABLE_1_SIZES = {"2.8·10⁹", "5.6·10⁹", "12.0·10⁹"};

  private PaperChecks() {}

  /** Every check, in the paper's order. */
  public static List<PaperCheck> run() {
    ClusterPlanConfig paper = ClusterPlanConfig.paper();
    ModelShape model = paper.model();
    List<PaperCheck> checks = new ArrayList<>();

    double halfGb = 2.0 * model.parameters() / ClusterPlanner.GB;
    double v100Gb = paper.gpuMemoryBytes() / ClusterPlanner.GB;
    checks.add(
        new PaperCheck(
            "2.5: the 12-billion parameter model takes about 24 GB in 16-bit precision",
            "about 24 GB",
            format("%.1f GB (%.2f·10⁹ parameters × 2 bytes)", halfGb, model.parameters() / 1e9),
            Math.abs(halfGb - 24) <= 0.05 * 24));
    checks.add(
        new PaperCheck(
            "2.5: which exceeds the memory of a 16 GB V100",
            "> 16 GB",
            format("%.1f GB > %.1f GB (16 GiB)", halfGb, v100Gb),
            halfGb > v100Gb));

    ClusterPlanConfig noEma = withoutEma(paper);
    StrategyPlan sharded = ClusterPlanner.row(noEma, Strategy.STAGE_3);
    StrategyPlan replicated = ClusterPlanner.row(noEma, Strategy.DATA_PARALLEL);
    StrategyPlan withEma = ClusterPlanner.row(paper, Strategy.STAGE_3);
    StrategyPlan withError = ClusterPlanner.row(noEma, Strategy.STAGE_3_POWERSGD);
    checks.add(
        new PaperCheck(
            "2.5, Figure 5: with parameter sharding over the 8 GPUs of a machine it trains on V100s",
            "fits 16 GB",
            format(
                "ZeRO 3, 16-bit state, EMA in host memory: %.1f GB + %.1f GB reserved %s %.1f GB"
                    + " (unsharded: %.1f GB); an fp16 EMA on the GPU (%.1f GB) or a separate"
                    + " PowerSGD error buffer (%.1f GB) would not fit: the paper does not say where"
                    + " it kept them",
                sharded.totalGb(),
                paper.reservedGb(),
                sharded.fits() ? "≤" : ">",
                v100Gb,
                replicated.totalGb(),
                withEma.totalGb(),
                withError.totalGb()),
            sharded.fits() && !replicated.fits()));

    for (int i = 0; i < TABLE_1.length; i++) {
      int dModel = TABLE_1[i][0];
      int rank = TABLE_1[i][1];
      double rate = 1 - PowerSgdTraffic.paperRatio(dModel, rank, paper.gpusPerNode());
      checks.add(
          new PaperCheck(
              format(
                  "Table 1: %s parameters, d_model %d, PowerSGD rank %d",
                  TABLE_1_SIZES[i], dModel, rank),
              "≈" + TABLE_1[i][2] + "%",
              format(
                  "%.1f%% (1 − 5r/8d: rank %d per GPU on 8 shards, resblock matrices)",
                  100 * rate, rank / paper.gpusPerNode()),
              Math.round(100 * rate) == TABLE_1[i][2]));
    }

    PowerSgdRates rates = PowerSgdRates.of(model, paper.powerSgdRank(), paper.gpusPerNode());
    checks.add(
        new PaperCheck(
            "2.5: a compression rate of about 85%, independent of model size",
            "about 85%",
            format(
                "%.1f%% of all 12B gradients (embeddings, heads, gains and biases uncompressed);"
                    + " %.1f%% counting whole matrices at rank %d unsharded",
                100 * rates.wholeModelRate(), 100 * rates.perMatrixRate(), rates.rank()),
            Math.abs(100 * rates.wholeModelRate() - 85) <= 1.5));
    return checks;
  }

  private static ClusterPlanConfig withoutEma(ClusterPlanConfig c) {
    return new ClusterPlanConfig(
        c.model(),
        c.precision(),
        false,
        c.batchSize(),
        c.gpuMemoryGib(),
        c.reservedGb(),
        c.gpusPerNode(),
        c.nodes(),
        c.intraNodeGBps(),
        c.interNodeGBps(),
        c.powerSgdRank());
  }

  private static String format(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
