package org.dalle.evaluation.indomain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Held-out accuracy of the evaluator, per head and for the joint of the score heads. A head's top
 * prediction counts as right when the scene has that value: for a single-object scene this is
 * ordinary top-1 accuracy; for "a red circle left of a blue square" either red or blue is right on
 * the colour head, and on the joint (colour, shape) only "red circle" or "blue square" is.
 */
public final class HeadAccuracy {
  private final SceneLabels labels;
  private final long[] hits;
  private long scoreHits;
  private long count;

  public HeadAccuracy(SceneLabels labels) {
    this.labels = labels;
    this.hits = new long[labels.heads().size()];
  }

  /**
   * Scores row {@code row} of {@code logits}.
   *
   * @param logits rows of {@link SceneLabels#classes()} logits, row-major
   * @param targets the row's {@link SceneLabels#targets}
   * @param scoreTargets the row's {@link SceneLabels#scoreTargets}
   */
  public void add(double[] logits, int row, float[] targets, Set<Integer> scoreTargets) {
    int base = row * labels.classes();
    List<LabelHead> heads = labels.heads();
    int[] argmax = new int[heads.size()];
    for (int h = 0; h < heads.size(); h++) {
      int from = base + labels.offset(h);
      int best = 0;
      for (int i = 1; i < heads.get(h).size(); i++) {
        if (logits[from + i] > logits[from + best]) {
          best = i;
        }
      }
      argmax[h] = best;
      if (targets[labels.offset(h) + best] > 0) {
        hits[h]++;
      }
    }
    // The joint's argmax is the score heads' argmaxes together: its log-probability is their sum.
    int joint = 0;
    for (String name : labels.scoreHeads()) {
      int h = headIndex(name);
      joint = joint * heads.get(h).size() + argmax[h];
    }
    if (scoreTargets.contains(joint)) {
      scoreHits++;
    }
    count++;
  }

  /** Images scored. */
  public long count() {
    return count;
  }

  /** The joint's name in {@link #accuracies()}: the score heads joined by {@code _}. */
  public String scoreName() {
    return String.join("_", labels.scoreHeads());
  }

  /** Accuracy by head name, then the joint of the score heads ({@link #scoreName()}). */
  public Map<String, Double> accuracies() {
    if (count == 0) {
      throw new IllegalStateException("no images were scored");
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (int h = 0; h < hits.length; h++) {
      out.put(labels.heads().get(h).name(), (double) hits[h] / count);
    }
    out.put(scoreName(), (double) scoreHits / count);
    return out;
  }

  private int headIndex(String name) {
    for (int h = 0; h < labels.heads().size(); h++) {
      if (labels.heads().get(h).name().equals(name)) {
        return h;
      }
    }
    throw new IllegalStateException("no head " + name);
  }
}
