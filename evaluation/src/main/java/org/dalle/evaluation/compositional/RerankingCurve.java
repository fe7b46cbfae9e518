package org.dalle.evaluation.compositional;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dalle.pipelines.synthetic.Scene;

/**
 * How the top-1 image's compositional score grows with the number of candidates the reranker
 * chooses from (section 2.5 and Figure 6 of the paper, with the benchmark's checker in place of
 * human judges).
 *
 * <p>Every caption has the same C candidates, each scored by the reranker and judged once by the
 * checker. For a pool size N the candidates are cut, in candidate order, into ⌊C/N⌋ disjoint pools
 * (0…N−1, N…2N−1, …); the pool's top-1 is its best-scored candidate (ties to the lower candidate
 * index, as {@code dalle sample} ranks). The figure for N is the mean over every pool of every
 * caption, so each caption weighs the same at every N and N = 1 is exactly the unreranked score of
 * all C candidates. Using every pool instead of the first only reuses the samples: the estimate at
 * small N averages C/N draws per caption instead of one.
 */
public final class RerankingCurve {
  /** The pool sizes of the paper's Figure 6 axis, up to 32. */
  public static final List<Integer> DEFAULT_SIZES = List.of(1, 2, 4, 8, 16, 32);

  /**
   * One candidate image of a caption.
   *
   * @param index its candidate index (draw order), unique per caption
   * @param score the reranker's score
   * @param verdict the checker's verdict against the caption
   */
  public record Candidate(int index, double score, CompositionalScorer.Verdict verdict) {}

  /** A caption with all its candidates. */
  public record CaptionCandidates(CaptionFacts caption, List<Candidate> candidates) {
    public CaptionCandidates {
      candidates = List.copyOf(candidates);
    }
  }

  /**
   * The figures for one pool size.
   *
   * @param n candidates per pool
   * @param poolsPerCaption ⌊C/N⌋
   * @param all the top-1 images of every caption
   * @param heldOutPairs the top-1 images of captions naming a held-out (colour, shape) pair, null
   *     when there are none
   * @param seenPairs the top-1 images of the other captions, null when there are none
   * @param singleHeldOut the top-1 images of single-object captions naming a held-out pair, null
   *     when there are none
   * @param singleSeen the top-1 images of the other single-object captions, null when there are
   *     none
   * @param anyRight the share of pools (every caption) holding at least one candidate with every
   *     fact right: what a reranker that never misses would keep, so the gap to {@code all} is the
   *     reranker's and the rest is the prior's
   * @param anyRightSingleHeldOut the same over the single-object captions naming a held-out pair,
   *     null when there are none
   * @param anyRightSingleSeen the same over the other single-object captions, null when there are
   *     none
   */
  public record Point(
      int n,
      int poolsPerCaption,
      SampleSetScore all,
      SampleSetScore heldOutPairs,
      SampleSetScore seenPairs,
      SampleSetScore singleHeldOut,
      SampleSetScore singleSeen,
      double anyRight,
      Double anyRightSingleHeldOut,
      Double anyRightSingleSeen) {}

  private RerankingCurve() {}

  /**
   * The curve over {@code sizes}.
   *
   * @throws IllegalArgumentException when there are no captions, captions have different numbers of
   *     candidates, a caption repeats a candidate index or a score is not finite, or a size is not
   *     between 1 and the candidate count
   */
  public static List<Point> compute(List<CaptionCandidates> captions, List<Integer> sizes) {
    if (captions.isEmpty()) {
      throw new IllegalArgumentException("no captions to draw a reranking curve for");
    }
    int count = captions.get(0).candidates().size();
    for (CaptionCandidates c : captions) {
      check(c, count);
    }
    List<Point> points = new ArrayList<>();
    for (int n : sizes) {
      if (n < 1 || n > count) {
        throw new IllegalArgumentException(
            "pool size "
                + n
                + " is outside 1.."
                + count
                + " (the candidates drawn per caption); sample with --candidates "
                + n
                + " --keep "
                + n
                + " or more");
      }
      SampleSetTally all = new SampleSetTally("n=" + n);
      SampleSetTally heldOut = new SampleSetTally("n=" + n + " held-out pairs");
      SampleSetTally seen = new SampleSetTally("n=" + n + " seen pairs");
      SampleSetTally singleHeldOut = new SampleSetTally("n=" + n + " single objects, held out");
      SampleSetTally singleSeen = new SampleSetTally("n=" + n + " single objects, seen");
      boolean anyHeldOut = false;
      boolean anySeen = false;
      boolean anySingleHeldOut = false;
      boolean anySingleSeen = false;
      int pools = count / n;
      PoolShare anyRight = new PoolShare();
      PoolShare anyRightSingleHeldOut = new PoolShare();
      PoolShare anyRightSingleSeen = new PoolShare();
      for (CaptionCandidates c : captions) {
        boolean isHeldOut = !c.caption().heldOut().isEmpty();
        anyHeldOut |= isHeldOut;
        anySeen |= !isHeldOut;
        List<Candidate> ordered =
            c.candidates().stream().sorted(Comparator.comparingInt(Candidate::index)).toList();
        boolean single = c.caption().scene().kind() == Scene.Kind.SINGLE;
        anySingleHeldOut |= single && isHeldOut;
        anySingleSeen |= single && !isHeldOut;
        SampleSetTally singles = isHeldOut ? singleHeldOut : singleSeen;
        all.caption(pools);
        (isHeldOut ? heldOut : seen).caption(pools);
        if (single) {
          singles.caption(pools);
        }
        for (int p = 0; p < pools; p++) {
          List<Candidate> pool = ordered.subList(p * n, (p + 1) * n);
          Candidate best = top1(pool);
          all.add(best.verdict());
          (isHeldOut ? heldOut : seen).add(best.verdict());
          if (single) {
            singles.add(best.verdict());
          }
          boolean right = pool.stream().anyMatch(x -> x.verdict().allFacts());
          anyRight.add(right);
          if (single) {
            (isHeldOut ? anyRightSingleHeldOut : anyRightSingleSeen).add(right);
          }
        }
      }
      points.add(
          new Point(
              n,
              pools,
              all.score(),
              anyHeldOut ? heldOut.score() : null,
              anySeen ? seen.score() : null,
              anySingleHeldOut ? singleHeldOut.score() : null,
              anySingleSeen ? singleSeen.score() : null,
              anyRight.share(),
              anySingleHeldOut ? anyRightSingleHeldOut.share() : null,
              anySingleSeen ? anyRightSingleSeen.share() : null));
    }
    return points;
  }

  /** Pools counted, and those with a right candidate among them. */
  private static final class PoolShare {
    private long pools;
    private long right;

    void add(boolean anyRight) {
      pools++;
      if (anyRight) {
        right++;
      }
    }

    double share() {
      return (double) right / pools;
    }
  }

  /** The best-scored candidate, the lowest index among equal scores. */
  static Candidate top1(List<Candidate> pool) {
    Candidate best = pool.get(0);
    for (Candidate c : pool) {
      if (c.score() > best.score() || (c.score() == best.score() && c.index() < best.index())) {
        best = c;
      }
    }
    return best;
  }

  private static void check(CaptionCandidates c, int count) {
    String id = c.caption().id();
    if (c.candidates().size() != count) {
      throw new IllegalArgumentException(
          "caption '"
              + id
              + "' has "
              + c.candidates().size()
              + " candidates but the first caption has "
              + count
              + "; every caption needs the same number (sample with --keep equal to"
              + " --candidates)");
    }
    Set<Integer> indices = new HashSet<>();
    for (Candidate candidate : c.candidates()) {
      if (!indices.add(candidate.index())) {
        throw new IllegalArgumentException(
            "caption '" + id + "' has candidate " + candidate.index() + " twice");
      }
      if (!Double.isFinite(candidate.score())) {
        throw new IllegalArgumentException(
            "caption '"
                + id
                + "' candidate "
                + candidate.index()
                + " has reranker score "
                + candidate.score()
                + "; expected a finite score");
      }
    }
  }

  /** The figure the benchmark line reports: the share of top-1 images with every fact right. */
  public static double allFacts(SampleSetScore score) {
    Double accuracy = score.allFacts().accuracy();
    return accuracy == null ? Double.NaN : accuracy;
  }

  /** Convenience for callers holding verdicts by caption id. */
  public static List<CaptionCandidates> join(
      List<CaptionFacts> captions, Map<String, List<Candidate>> byId) {
    List<CaptionCandidates> joined = new ArrayList<>();
    for (CaptionFacts caption : captions) {
      List<Candidate> candidates = byId.get(caption.id());
      if (candidates == null) {
        throw new IllegalArgumentException(
            "caption '" + caption.id() + "' has no samples; sample every caption of the file");
      }
      joined.add(new CaptionCandidates(caption, candidates));
    }
    Set<String> known = new HashSet<>();
    captions.forEach(c -> known.add(c.id()));
    for (String id : byId.keySet()) {
      if (!known.contains(id)) {
        throw new IllegalArgumentException(
            "samples hold caption id '" + id + "', which the caption file does not have");
      }
    }
    return joined;
  }
}
