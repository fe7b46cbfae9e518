package org.dalle.jobs.train;

/**
 * Halves a multiplier when the evaluation loss has stopped improving: after {@code patience}
 * evaluations in a row without a new best, at most {@code maxHalvings} times. The paper trains the
 * transformer this way after its warm-up, halving the learning rate up to five times (Appendix
 * B.1); the learning rate is then {@code warmup.valueAt(step) * plateau.multiplier()}.
 *
 * <p>Unlike a {@link Schedule} this depends on the losses seen, so its {@link State} goes into
 * every checkpoint. A NaN loss never counts as an improvement.
 */
public final class PlateauHalving {

  /**
   * What a checkpoint keeps.
   *
   * @param best the lowest loss seen so far ({@code +Infinity} before the first evaluation)
   * @param evaluationsWithoutImprovement evaluations since the last new best or halving
   * @param halvings halvings so far
   */
  public record State(double best, int evaluationsWithoutImprovement, int halvings) {}

  private final int patience;
  private final int maxHalvings;
  private State state = new State(Double.POSITIVE_INFINITY, 0, 0);

  /**
   * @param patience evaluations without improvement that trigger a halving, at least 1
   * @param maxHalvings how many halvings at most, at least 0
   */
  public PlateauHalving(int patience, int maxHalvings) {
    if (patience < 1) {
      throw new IllegalArgumentException("patience must be at least 1, got " + patience);
    }
    if (maxHalvings < 0) {
      throw new IllegalArgumentException("max halvings must be >= 0, got " + maxHalvings);
    }
    this.patience = patience;
    this.maxHalvings = maxHalvings;
  }

  /**
   * Records one evaluation loss.
   *
   * @return whether this evaluation halved the multiplier
   */
  public boolean observe(double loss) {
    if (loss < state.best()) {
      state = new State(loss, 0, state.halvings());
      return false;
    }
    int without = state.evaluationsWithoutImprovement() + 1;
    if (without >= patience && state.halvings() < maxHalvings) {
      state = new State(state.best(), 0, state.halvings() + 1);
      return true;
    }
    state = new State(state.best(), without, state.halvings());
    return false;
  }

  /** {@code 0.5^halvings}. */
  public double multiplier() {
    return Math.scalb(1.0, -state.halvings());
  }

  public State state() {
    return state;
  }

  /** Continues from a checkpointed state. */
  public void restore(State saved) {
    if (saved.halvings() < 0 || saved.halvings() > maxHalvings) {
      throw new IllegalArgumentException(
          "saved halvings " + saved.halvings() + " outside [0, " + maxHalvings + "]");
    }
    if (saved.evaluationsWithoutImprovement() < 0) {
      throw new IllegalArgumentException(
          "saved evaluations without improvement must be >= 0, got "
              + saved.evaluationsWithoutImprovement());
    }
    state = saved;
  }
}
