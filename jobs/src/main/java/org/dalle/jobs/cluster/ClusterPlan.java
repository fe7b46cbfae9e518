package org.dalle.jobs.cluster;

import java.util.List;

/**
 * What {@code dalle plan-cluster} prints: per-GPU memory and per-update communication of each
 * strategy, PowerSGD's compression, and the model's own figures for the paper's claims.
 *
 * @param config what was modelled
 * @param activations the activation estimate per GPU
 * @param strategies one row per {@link Strategy}
 * @param powerSgd the compression between machines
 * @param paperChecks the paper's figures against this model's, on the paper's configuration
 */
public record ClusterPlan(
    ClusterPlanConfig config,
    ActivationMemory activations,
    List<StrategyPlan> strategies,
    PowerSgdRates powerSgd,
    List<PaperCheck> paperChecks) {

  /** The row of {@code strategy}. */
  public StrategyPlan row(Strategy strategy) {
    return strategies.stream()
        .filter(s -> s.strategy() == strategy)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no row for " + strategy));
  }

  /** Whether every paper check agrees. */
  public boolean agreesWithPaper() {
    return paperChecks.stream().allMatch(PaperCheck::agrees);
  }
}
