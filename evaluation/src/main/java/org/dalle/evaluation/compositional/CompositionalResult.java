package org.dalle.evaluation.compositional;

import java.util.List;

/**
 * What {@code compositional.json} holds: where the inputs came from, each sample set's scores and
 * each caption's verdicts.
 *
 * @param captions the caption file or directory the facts were read from
 * @param samples the directory of sample sets
 * @param captionCount number of captions
 * @param heldOutCaptions captions that name a held-out (colour, shape) pair
 * @param sets the scores of each sample set, by label
 * @param perCaption each caption's text, split and verdict on each of its images in every set, in
 *     caption order
 */
public record CompositionalResult(
    String captions,
    String samples,
    long captionCount,
    long heldOutCaptions,
    List<SampleSetScore> sets,
    List<CaptionVerdicts> perCaption) {
  public CompositionalResult {
    sets = List.copyOf(sets);
    perCaption = List.copyOf(perCaption);
  }
}
