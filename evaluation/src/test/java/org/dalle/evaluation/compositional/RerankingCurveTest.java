package org.dalle.evaluation.compositional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RerankingCurveTest {
  private static final CompositionalScorer SCORER = new CompositionalScorer();
  private static final SceneChecker CHECKER = new SceneChecker();

  /** A held-out and a seen caption of the synthetic data, with a right and a wrong image each. */
  private static final List<SyntheticScenes.Example> EXAMPLES = SyntheticScenes.examples(3, 1);

  private static CompositionalScorer.Verdict verdict(
      SyntheticScenes.Example example, boolean right) {
    SyntheticScenes.Example other = EXAMPLES.get(EXAMPLES.indexOf(example) == 0 ? 1 : 0);
    return SCORER.score(
        example.facts(),
        CHECKER.check(SyntheticScenes.image((right ? example : other).scene(), 64, 64)));
  }

  /**
   * Candidates of one caption in draw order: {@code right[i]} says whether candidate i shows the
   * caption, {@code score[i]} is the reranker's score.
   */
  private static RerankingCurve.CaptionCandidates caption(
      SyntheticScenes.Example example, boolean[] right, double[] score) {
    CompositionalScorer.Verdict yes = verdict(example, true);
    CompositionalScorer.Verdict no = verdict(example, false);
    List<RerankingCurve.Candidate> candidates = new ArrayList<>();
    for (int i = right.length - 1; i >= 0; i--) { // out of order on purpose
      candidates.add(new RerankingCurve.Candidate(i, score[i], right[i] ? yes : no));
    }
    return new RerankingCurve.CaptionCandidates(example.facts(), candidates);
  }

  private static void assertSingles(
      SampleSetScore score, SyntheticScenes.Example example, int passed, int total) {
    if (example.facts().scene().kind() != org.dalle.pipelines.synthetic.Scene.Kind.SINGLE) {
      assertEquals(null, score);
      return;
    }
    assertEquals(passed, score.allFacts().passed());
    assertEquals(total, score.allFacts().total());
  }

  @Test
  void rendersOfTheCaptionPassAndOtherScenesFail() {
    for (SyntheticScenes.Example example : EXAMPLES) {
      assertTrue(verdict(example, true).allFacts(), example.facts().caption());
      assertTrue(!verdict(example, false).allFacts(), example.facts().caption());
    }
  }

  @Test
  void poolsOfNKeepTheBestScoredCandidate() {
    SyntheticScenes.Example seen = EXAMPLES.get(0); // train split
    SyntheticScenes.Example heldOut = EXAMPLES.get(1); // heldout split
    assertTrue(seen.facts().heldOut().isEmpty());
    assertTrue(!heldOut.facts().heldOut().isEmpty());
    // seen: one right image of four, candidate 3, which the reranker likes best
    var a =
        caption(seen, new boolean[] {false, false, false, true}, new double[] {0.1, 0.2, 0.3, 0.9});
    // held out: candidates 0 and 1 right, but the reranker prefers the wrong candidate 2; 3 ties
    // with 2 and loses on the index
    var b =
        caption(
            heldOut, new boolean[] {true, true, false, false}, new double[] {0.5, 0.4, 0.8, 0.8});

    List<RerankingCurve.Point> points = RerankingCurve.compute(List.of(a, b), List.of(1, 2, 4));

    RerankingCurve.Point one = points.get(0);
    assertEquals(4, one.poolsPerCaption());
    // N = 1: every candidate is its own top-1: 1 of 4 and 2 of 4 right
    assertEquals(3, one.all().allFacts().passed());
    assertEquals(8, one.all().allFacts().total());
    assertEquals(1, one.seenPairs().allFacts().passed());
    assertEquals(2, one.heldOutPairs().allFacts().passed());
    // the single-object tallies hold exactly the single-object captions of each split
    assertSingles(one.singleSeen(), seen, 1, 4);
    assertSingles(one.singleHeldOut(), heldOut, 2, 4);
    // N = 2: pools {0,1} {2,3}: seen keeps 1 (wrong) and 3 (right); held out keeps 0 (right) and
    // 2 (wrong, the tie goes to the lower index)
    RerankingCurve.Point two = points.get(1);
    assertEquals(2, two.poolsPerCaption());
    assertEquals(1, two.seenPairs().allFacts().passed());
    assertEquals(1, two.heldOutPairs().allFacts().passed());
    assertEquals(4, two.all().allFacts().total());
    // N = 4: seen keeps 3 (right), held out keeps 2 (wrong)
    RerankingCurve.Point four = points.get(2);
    assertEquals(1, four.poolsPerCaption());
    assertEquals(1, four.seenPairs().allFacts().passed());
    assertEquals(0, four.heldOutPairs().allFacts().passed());
    assertEquals(0.5, RerankingCurve.allFacts(four.all()), 1e-12);
    // a reranker that never missed would have kept a right image in both pools of four, and in
    // two of the four pools of two (seen {2,3} and held out {0,1}; seen {0,1} and held out {2,3}
    // hold none)
    assertEquals(1.0, four.anyRight(), 1e-12);
    assertEquals(0.5, two.anyRight(), 1e-12);
    assertEquals(3.0 / 8, one.anyRight(), 1e-12);
  }

  @Test
  void aSizeThatDoesNotDivideTheCandidatesDropsTheRemainder() {
    SyntheticScenes.Example seen = EXAMPLES.get(0);
    var a =
        caption(seen, new boolean[] {false, true, false, true}, new double[] {0.1, 0.9, 0.2, 0.3});
    RerankingCurve.Point three = RerankingCurve.compute(List.of(a), List.of(3)).get(0);
    assertEquals(1, three.poolsPerCaption());
    assertEquals(1, three.all().allFacts().passed()); // pool {0,1,2} keeps 1
    assertEquals(1, three.all().allFacts().total());
    assertNull(three.heldOutPairs(), "no held-out caption");
  }

  @Test
  void rejectsInconsistentInputWithAReason() {
    SyntheticScenes.Example seen = EXAMPLES.get(0);
    SyntheticScenes.Example heldOut = EXAMPLES.get(1);
    var four = caption(seen, new boolean[4], new double[4]);
    var two = caption(heldOut, new boolean[2], new double[2]);
    IllegalArgumentException counts =
        assertThrows(
            IllegalArgumentException.class,
            () -> RerankingCurve.compute(List.of(four, two), List.of(1)));
    assertTrue(counts.getMessage().contains("--keep"), counts.getMessage());
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () -> RerankingCurve.compute(List.of(four), List.of(8)));
    assertTrue(size.getMessage().contains("outside 1..4"), size.getMessage());
    var nan = caption(seen, new boolean[2], new double[] {0, Double.NaN});
    assertThrows(
        IllegalArgumentException.class, () -> RerankingCurve.compute(List.of(nan), List.of(1)));
    CompositionalScorer.Verdict v = verdict(seen, true);
    var duplicate =
        new RerankingCurve.CaptionCandidates(
            seen.facts(),
            List.of(new RerankingCurve.Candidate(0, 1, v), new RerankingCurve.Candidate(0, 2, v)));
    assertThrows(
        IllegalArgumentException.class,
        () -> RerankingCurve.compute(List.of(duplicate), List.of(1)));
    assertThrows(
        IllegalArgumentException.class, () -> RerankingCurve.compute(List.of(), List.of(1)));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> RerankingCurve.join(List.of(seen.facts()), Map.of()));
    assertTrue(missing.getMessage().contains("no samples"), missing.getMessage());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                RerankingCurve.join(
                    List.of(seen.facts()),
                    Map.of(seen.facts().id(), List.of(), "other", List.of())));
    assertTrue(unknown.getMessage().contains("'other'"), unknown.getMessage());
  }
}
