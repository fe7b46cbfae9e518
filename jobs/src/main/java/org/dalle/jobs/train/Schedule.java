package org.dalle.jobs.train;

/**
 * A hyper-parameter as a pure function of the update number, so that a resumed run sees exactly the
 * values the uninterrupted one would have.
 *
 * <p>{@code step} counts the updates taken before the one being computed: 0 for the first update.
 */
@FunctionalInterface
public interface Schedule {

  /** The value for the update that follows {@code step} earlier ones. */
  double valueAt(long step);

  /** The same value at every step. */
  static Schedule constant(double value) {
    return step -> value;
  }

  /**
   * Half a cosine from {@code from} at step 0 to {@code to} at step {@code steps}, then {@code to}
   * for good: {@code to + (from − to)·(1 + cos(π·t/N))/2}. Covers the paper's three uses (Appendix
   * A.2): learning rate decayed 1e-4 → 1.25e-6, KL weight β raised 0 → 6.6, Gumbel-softmax
   * temperature τ annealed 1 → 1/16 (cosine, because a linear anneal tended to diverge).
   */
  static Schedule cosine(double from, double to, long steps) {
    checkFinite("from", from);
    checkFinite("to", to);
    checkSteps(steps);
    return step -> {
      checkStep(step);
      if (step >= steps) {
        return to;
      }
      return to + (from - to) * (1 + Math.cos(Math.PI * step / steps)) / 2;
    };
  }

  /**
   * Linear warm-up to {@code peak} over the first {@code steps} updates, then {@code peak}: update
   * {@code step} gets {@code peak·min(1, (step + 1)/steps)}, so the first update already moves. The
   * paper warms the transformer's learning rate up to 4.5e-4 over 5000 updates (Appendix B.1).
   */
  static Schedule linearWarmup(double peak, long steps) {
    checkFinite("peak", peak);
    checkSteps(steps);
    return step -> {
      checkStep(step);
      return peak * Math.min(1.0, (step + 1) / (double) steps);
    };
  }

  /**
   * {@link #linearWarmup} to {@code peak} over {@code warmupSteps} updates, then half a cosine from
   * {@code peak} to {@code to} over the remaining {@code totalSteps − warmupSteps}: CLIP's schedule
   * (Radford et al. 2021, appendix F), which trains the reranker of section 2.5.
   */
  static Schedule warmupCosine(double peak, double to, long warmupSteps, long totalSteps) {
    checkSteps(totalSteps);
    if (warmupSteps < 0 || warmupSteps >= totalSteps) {
      throw new IllegalArgumentException(
          "warm-up of " + warmupSteps + " steps must be in [0, " + totalSteps + ")");
    }
    Schedule warmup = warmupSteps == 0 ? constant(peak) : linearWarmup(peak, warmupSteps);
    Schedule decay = cosine(peak, to, totalSteps - warmupSteps);
    return step -> step < warmupSteps ? warmup.valueAt(step) : decay.valueAt(step - warmupSteps);
  }

  private static void checkFinite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite, got " + value);
    }
  }

  private static void checkSteps(long steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("schedule length must be at least 1 step, got " + steps);
    }
  }

  private static void checkStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
  }
}
