package org.dalle.evaluation.compositional;

import java.util.Map;

/**
 * The benchmark's figures for one labelled set of generated images, e.g. the top-1 image per
 * caption after reranking (paper §2.6) or all the unreranked samples.
 *
 * @param label the set's name, e.g. {@code top1_reranked}
 * @param images images scored
 * @param captions captions with at least one image in the set
 * @param captionsWithoutImages captions of the caption file with no image in the set
 * @param tasks per task (by {@link CompositionalTask#key()}, in task order), its score over every
 *     image of the set that took part in it; tasks no caption takes part in are left out
 * @param overall the mean of the tasks' accuracies (GenEval's overall score), null when there are
 *     none
 * @param allFacts the share of images for which every fact their caption states holds
 */
public record SampleSetScore(
    String label,
    long images,
    long captions,
    long captionsWithoutImages,
    Map<String, TaskScore> tasks,
    Double overall,
    TaskScore allFacts) {}
