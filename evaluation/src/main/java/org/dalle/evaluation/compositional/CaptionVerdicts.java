package org.dalle.evaluation.compositional;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One caption's verdicts in every sample set, so a report can show each generated image beside what
 * the checker found wrong with it ({@code per_caption} in {@code compositional.json}).
 *
 * @param id the caption's id; each set files its images under it
 * @param caption the caption text
 * @param split the synthetic split the caption's scene comes from: {@code train} (pairs seen in
 *     training) or {@code heldout}
 * @param heldOutPairs the caption's (colour, shape) pairs that training never showed, e.g. {@code
 *     blue star}; empty for a caption of seen pairs
 * @param sets by sample-set label, in set order: the verdict on each of the set's images of this
 *     caption, in the set's order (none when the set has no image of it)
 */
public record CaptionVerdicts(
    String id,
    String caption,
    String split,
    List<String> heldOutPairs,
    Map<String, List<ImageVerdict>> sets) {
  public CaptionVerdicts {
    heldOutPairs = List.copyOf(heldOutPairs);
    Map<String, List<ImageVerdict>> copy = new LinkedHashMap<>();
    sets.forEach((label, verdicts) -> copy.put(label, List.copyOf(verdicts)));
    sets = Collections.unmodifiableMap(copy);
  }

  /** The entry of {@code caption}, with its verdicts in each set. */
  static CaptionVerdicts of(CaptionFacts caption, Map<String, List<ImageVerdict>> sets) {
    return new CaptionVerdicts(
        caption.id(),
        caption.caption(),
        caption.scene().split().word(),
        caption.heldOut().stream().map(Object::toString).toList(),
        sets);
  }
}
