package org.dalle.evaluation.compositional;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the compositional benchmark: every image of every sample set is read by the {@link
 * SceneChecker}, judged against its caption by the {@link CompositionalScorer}, and the verdicts
 * are added up per set into per-task accuracies and an overall score.
 */
public final class CompositionalBenchmark {
  private final SceneChecker checker;
  private final CompositionalScorer scorer = new CompositionalScorer();

  public CompositionalBenchmark(SceneChecker checker) {
    this.checker = checker;
  }

  /**
   * The scores of each set, in the order given.
   *
   * @throws IllegalArgumentException when two sets share a label or two captions share an id
   * @throws IOException when a set's images cannot be read
   */
  public List<SampleSetScore> evaluate(List<CaptionFacts> captions, List<SampleSet> sets)
      throws IOException {
    Set<String> ids = new HashSet<>();
    for (CaptionFacts c : captions) {
      if (!ids.add(c.id())) {
        throw new IllegalArgumentException("caption id '" + c.id() + "' appears twice");
      }
    }
    Set<String> labels = new HashSet<>();
    List<SampleSetScore> scores = new ArrayList<>();
    for (SampleSet set : sets) {
      if (!labels.add(set.label())) {
        throw new IllegalArgumentException("sample set label '" + set.label() + "' appears twice");
      }
      SampleSetTally tally = new SampleSetTally(set.label());
      for (CaptionFacts caption : captions) {
        List<BufferedImage> images = set.images().of(caption.id());
        tally.caption(images.size());
        for (BufferedImage image : images) {
          tally.add(scorer.score(caption, checker.check(image)));
        }
      }
      scores.add(tally.score());
    }
    return scores;
  }
}
