package org.dalle.jobs.cluster;

import java.util.ArrayList;
import java.util.List;
import org.dalle.jobs.cluster.StatePrecision.StateBytes;

/**
 * The memory and communication model of {@code dalle plan-cluster}: state sharded over the m GPUs
 * of each of M machines (the paper's arrangement, section 2.5 and Figure 5), collectives as rings.
 *
 * <p>Memory per GPU, with W, G, A and E the bytes of all weights, gradients, Adam moments and EMA:
 *
 * <pre>
 *   data parallel   W               G                A     E
 *   ZeRO 1          W               G                A/m   E/m
 *   ZeRO 2          W               G/m + G_block    A/m   E/m
 *   ZeRO 3          W/m + 2 W_block G/m + G_block    A/m   E/m
 *   + PowerSGD      as ZeRO 3, plus an error-feedback buffer of G/m
 * </pre>
 *
 * where W_block and G_block are one resblock's matrices: stage 3 holds the gathered resblock being
 * computed and the next one being prefetched (Figure 5), and stages 2 and 3 the resblock whose
 * gradient is being reduce-scattered. Activations ({@link ActivationMemory}) come on top.
 *
 * <p>Traffic per update, with a ring collective over p ranks moving (p − 1)/p of the data per rank
 * for a reduce-scatter or all-gather and twice that for an all-reduce:
 *
 * <pre>
 *                   inside a machine, per GPU          between machines, per machine
 *   data parallel   2 (m−1)/m G                        2 (M−1)/M G
 *   ZeRO 1, 2       (m−1)/m (G + W)                    2 (M−1)/M G
 *   ZeRO 3          (m−1)/m (G + 2W)                   2 (M−1)/M G
 *   + PowerSGD      (m−1)/m (G + 2W)                   2 (M−1)/M (ρ G_matrices + G_rest)
 * </pre>
 *
 * Data parallel is the hierarchical all-reduce (reduce-scatter in the machine, all-reduce of each
 * GPU's 1/m between machines, all-gather); stages 1 and 2 all-gather the updated weights instead of
 * the gradients; stage 3 gathers the weights for the forward and again for the backward pass; ρ is
 * the paper's PowerSGD ratio ({@link PowerSgdTraffic#paperRatio}). Each GPU's 1/m goes to its peers
 * on the other machines through the machine's one link, so that link carries all m shares.
 */
public final class ClusterPlanner {
  static final double GB = 1e9;

  private ClusterPlanner() {}

  /** The plan for {@code config}, with the paper checks. */
  public static ClusterPlan plan(ClusterPlanConfig config) {
    return new ClusterPlan(
        config.validate(),
        activations(config),
        strategies(config),
        PowerSgdRates.of(config.model(), config.powerSgdRank(), config.gpusPerNode()),
        PaperChecks.run());
  }

  /** One row per strategy, without the paper checks. */
  public static List<StrategyPlan> strategies(ClusterPlanConfig config) {
    List<StrategyPlan> rows = new ArrayList<>();
    for (Strategy strategy : Strategy.values()) {
      rows.add(row(config, strategy));
    }
    return rows;
  }

  static ActivationMemory activations(ClusterPlanConfig config) {
    return ActivationMemory.of(
        config.model(), config.sequencesPerGpu(), config.precision().activationBytes());
  }

  static StrategyPlan row(ClusterPlanConfig config, Strategy strategy) {
    ModelShape model = config.model();
    StateBytes matrices = config.precision().matrices();
    StateBytes others = config.precision().others();
    double m = config.gpusPerNode();
    double weights = bytes(model, matrices.weights(), others.weights());
    double gradients = bytes(model, matrices.gradients(), others.gradients());
    double adam = bytes(model, matrices.adamMoments(), others.adamMoments());
    double ema = config.emaOnGpu() ? bytes(model, matrices.ema(), others.ema()) : 0;
    double blockWeights = (double) model.resblockMatrixParameters() * matrices.weights();
    double blockGradients = (double) model.resblockMatrixParameters() * matrices.gradients();
    int stage = strategy.stage();

    double weightsHeld = stage >= 3 ? weights / m + 2 * blockWeights : weights;
    double gradientsHeld = stage >= 2 ? gradients / m + blockGradients : gradients;
    double adamHeld = stage >= 1 ? adam / m : adam;
    double emaHeld = stage >= 1 ? ema / m : ema;
    double error = strategy.powerSgd() ? gradients / m : 0;
    double activations = activations(config).totalBytes();
    double total = weightsHeld + gradientsHeld + adamHeld + emaHeld + error + activations;
    boolean fits = total + config.reservedGb() * GB <= config.gpuMemoryBytes();

    double inMachine = (m - 1) / m;
    double intra =
        switch (stage) {
          case 0 -> 2 * inMachine * gradients;
          case 1, 2 -> inMachine * (gradients + weights);
          default -> inMachine * (gradients + 2 * weights);
        };
    double sentGradients = gradients;
    if (strategy.powerSgd()) {
      double ratio =
          PowerSgdTraffic.paperRatio(model.dModel(), config.powerSgdRank(), config.gpusPerNode());
      sentGradients =
          ratio * model.matrixParameters() * matrices.gradients()
              + (double) model.otherParameters() * others.gradients();
    }
    double machines = config.nodes();
    double inter = 2 * (machines - 1) / machines * sentGradients;
    double intraSeconds = intra / (config.intraNodeGBps() * GB);
    double interSeconds = inter / (config.interNodeGBps() * GB);
    return new StrategyPlan(
        strategy,
        weightsHeld / GB,
        gradientsHeld / GB,
        adamHeld / GB,
        emaHeld / GB,
        error / GB,
        activations / GB,
        total / GB,
        fits,
        intra / GB,
        inter / GB,
        intraSeconds,
        interSeconds,
        intraSeconds + interSeconds);
  }

  /** Bytes of one piece of state over the whole model. */
  static double bytes(ModelShape model, int perMatrixParameter, int perOtherParameter) {
    return (double) model.matrixParameters() * perMatrixParameter
        + (double) model.otherParameters() * perOtherParameter;
  }
}
