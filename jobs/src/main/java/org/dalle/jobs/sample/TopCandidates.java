package org.dalle.jobs.sample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The best {@code keep} of a caption's candidates, as they arrive (section 2.5 of the paper: draw
 * N, keep those the contrastive model ranks highest). Order: descending score, then ascending
 * candidate index, so equal scores rank reproducibly. Without scores (no reranker), the first
 * {@code keep} candidates in index order. Holds at most {@code keep} payloads.
 *
 * @param <T> what is kept with each candidate (its tokens and pixels)
 */
final class TopCandidates<T> {

  /** A kept candidate. {@code score} is null without a reranker. */
  record Ranked<T>(int candidate, Float score, T payload) {}

  private static final Comparator<Ranked<?>> ORDER =
      Comparator.<Ranked<?>, Float>comparing(
              r -> r.score() == null ? 0f : r.score(), Comparator.reverseOrder())
          .thenComparingInt(Ranked::candidate);

  private final int keep;
  private final List<Ranked<T>> best;

  TopCandidates(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep is " + keep + "; expected at least 1");
    }
    this.keep = keep;
    this.best = new ArrayList<>(keep + 1);
  }

  /**
   * Offers a candidate.
   *
   * @param score its score, or null when no candidate of this caption is scored
   * @throws IllegalArgumentException when the score is NaN or infinite, or some candidates of the
   *     caption are scored and others not
   */
  void offer(int candidate, Float score, T payload) {
    if (score != null && !Float.isFinite(score)) {
      throw new IllegalArgumentException(
          "the reranker scored candidate "
              + candidate
              + " "
              + score
              + "; expected a finite number");
    }
    if (!best.isEmpty() && (best.get(0).score() == null) != (score == null)) {
      throw new IllegalArgumentException(
          "candidate "
              + candidate
              + " is "
              + (score == null ? "not " : "")
              + "scored, unlike"
              + " the others of its caption");
    }
    Ranked<T> ranked = new Ranked<>(candidate, score, payload);
    int at = 0;
    while (at < best.size() && ORDER.compare(best.get(at), ranked) <= 0) {
      at++;
    }
    if (at < keep) {
      best.add(at, ranked);
      if (best.size() > keep) {
        best.remove(keep);
      }
    }
  }

  /** The kept candidates, best first. */
  List<Ranked<T>> ranked() {
    return List.copyOf(best);
  }
}
