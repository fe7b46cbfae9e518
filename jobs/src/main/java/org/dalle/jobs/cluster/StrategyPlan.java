package org.dalle.jobs.cluster;

/**
 * One GPU's memory and one update's communication under a {@link Strategy}. Memory in GB (10⁹
 * bytes); times in seconds for the bandwidth terms only (no latency, no overlap with compute).
 *
 * @param strategy how state is sharded and gradients sent
 * @param weightsGb parameters, with the gathered resblocks of stage 3
 * @param gradientsGb gradients, with the resblock being reduce-scattered from stage 2 on
 * @param adamGb both Adam moments
 * @param emaGb the weights' moving average (0 when kept in host memory)
 * @param errorGb PowerSGD's error-feedback buffer
 * @param activationsGb the activation estimate ({@link ActivationMemory})
 * @param totalGb all of the above
 * @param fits whether the total and the reserve fit one GPU's memory
 * @param intraNodeGb bytes each GPU sends to the machine's other GPUs per update, GB
 * @param interNodeGb bytes each machine sends to the other machines per update, GB
 * @param intraNodeSeconds the intra-machine collectives at the intra-node bandwidth
 * @param interNodeSeconds the inter-machine collectives at the inter-node bandwidth
 * @param seconds both, one after the other
 */
public record StrategyPlan(
    Strategy strategy,
    double weightsGb,
    double gradientsGb,
    double adamGb,
    double emaGb,
    double errorGb,
    double activationsGb,
    double totalGb,
    boolean fits,
    double intraNodeGb,
    double interNodeGb,
    double intraNodeSeconds,
    double interNodeSeconds,
    double seconds) {}
