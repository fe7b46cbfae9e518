package org.dalle.evaluation.compositional;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the compositional benchmark: every image of every sample set is read by the {@link
 * SceneChecker}, judged against its caption by the {@link CompositionalScorer}, and the verdicts
 * are added up per set into per-task accuracies and an overall score, and kept per caption.
 */
public final class CompositionalBenchmark {
  /**
   * What the benchmark found.
   *
   * @param sets the scores of each set, in the order given
   * @param perCaption each caption's verdicts in every set, in caption order
   */
  public record Scores(List<SampleSetScore> sets, List<CaptionVerdicts> perCaption) {
    public Scores {
      sets = List.copyOf(sets);
      perCaption = List.copyOf(perCaption);
    }
  }

  private final SceneChecker checker;
  private final CompositionalScorer scorer = new CompositionalScorer();

  public CompositionalBenchmark(SceneChecker checker) {
    this.checker = checker;
  }

  /**
   * The scores of each set and the verdicts of each caption.
   *
   * @throws IllegalArgumentException when two sets share a label or two captions share an id
   * @throws IOException when a set's images cannot be read
   */
  public Scores evaluate(List<CaptionFacts> captions, List<SampleSet> sets) throws IOException {
    Set<String> ids = new HashSet<>();
    for (CaptionFacts c : captions) {
      if (!ids.add(c.id())) {
        throw new IllegalArgumentException("caption id '" + c.id() + "' appears twice");
      }
    }
    Set<String> labels = new HashSet<>();
    List<SampleSetScore> scores = new ArrayList<>();
    Map<String, Map<String, List<ImageVerdict>>> verdicts = new LinkedHashMap<>();
    captions.forEach(c -> verdicts.put(c.id(), new LinkedHashMap<>()));
    for (SampleSet set : sets) {
      if (!labels.add(set.label())) {
        throw new IllegalArgumentException("sample set label '" + set.label() + "' appears twice");
      }
      SampleSetTally tally = new SampleSetTally(set.label());
      for (CaptionFacts caption : captions) {
        List<BufferedImage> images = set.images().of(caption.id());
        tally.caption(images.size());
        List<ImageVerdict> captionVerdicts = new ArrayList<>();
        for (BufferedImage image : images) {
          CompositionalScorer.Verdict verdict = scorer.score(caption, checker.check(image));
          tally.add(verdict);
          captionVerdicts.add(ImageVerdict.of(verdict));
        }
        verdicts.get(caption.id()).put(set.label(), captionVerdicts);
      }
      scores.add(tally.score());
    }
    List<CaptionVerdicts> perCaption = new ArrayList<>();
    for (CaptionFacts caption : captions) {
      perCaption.add(CaptionVerdicts.of(caption, verdicts.get(caption.id())));
    }
    return new Scores(scores, perCaption);
  }
}
