package org.dalle.evaluation.compositional;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds up {@link CompositionalScorer.Verdict verdicts} for one labelled sample set. Every image
 * counts once per task it takes part in, so a caption with several unreranked samples weighs as
 * many images as it has.
 */
public final class SampleSetTally {
  private final String label;
  private final EnumMap<CompositionalTask, long[]> counts = new EnumMap<>(CompositionalTask.class);
  private final long[] allFacts = new long[2];
  private long images;
  private long captions;
  private long captionsWithoutImages;

  public SampleSetTally(String label) {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException(
          "a sample set needs a non-blank label, got '" + label + "'");
    }
    this.label = label;
  }

  /** Records one image's verdict. */
  public void add(CompositionalScorer.Verdict verdict) {
    images++;
    verdict
        .tasks()
        .forEach(
            (task, passed) -> {
              long[] c = counts.computeIfAbsent(task, t -> new long[2]);
              c[0] += passed ? 1 : 0;
              c[1]++;
            });
    allFacts[0] += verdict.allFacts() ? 1 : 0;
    allFacts[1]++;
  }

  /** Records that a caption had {@code imageCount} images in this set (0 for none). */
  public void caption(int imageCount) {
    if (imageCount > 0) {
      captions++;
    } else {
      captionsWithoutImages++;
    }
  }

  public SampleSetScore score() {
    Map<String, TaskScore> tasks = new LinkedHashMap<>();
    double sum = 0;
    for (Map.Entry<CompositionalTask, long[]> e : counts.entrySet()) {
      TaskScore s = TaskScore.of(e.getValue()[0], e.getValue()[1]);
      tasks.put(e.getKey().key(), s);
      sum += s.accuracy();
    }
    Double overall = tasks.isEmpty() ? null : sum / tasks.size();
    return new SampleSetScore(
        label,
        images,
        captions,
        captionsWithoutImages,
        tasks,
        overall,
        TaskScore.of(allFacts[0], allFacts[1]));
  }
}
