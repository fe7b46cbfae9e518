package org.dalle.evaluation.compositional;

import java.util.List;

/**
 * What {@code compositional.json} holds: where the inputs came from and each sample set's scores.
 *
 * @param captions the caption file or directory the facts were read from
 * @param samples the directory of sample sets
 * @param captionCount number of captions
 * @param heldOutCaptions captions that name a held-out (colour, shape) pair
 * @param sets the scores of each sample set, by label
 */
public record CompositionalResult(
    String captions,
    String samples,
    long captionCount,
    long heldOutCaptions,
    List<SampleSetScore> sets) {
  public CompositionalResult {
    sets = List.copyOf(sets);
  }
}
