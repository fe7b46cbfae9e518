/**
 * The compositional benchmark on the embedded synthetic dataset: does the model compose concepts,
 * and above all the (colour, shape) pairs held out of training (the zero-shot question of Ramesh et
 * al. 2021, §3.3, asked with a ground truth)?
 *
 * <ul>
 *   <li>{@link org.dalle.evaluation.compositional.SceneChecker} reads an image back into objects
 *       (colour, shape, size, grid cell, centre) with no learned model: palette fit against the
 *       black background, core components, soft coverage masks, and coverage-weighted angular
 *       harmonics compared with each shape's signature measured on the renderer's own outlines. On
 *       the dataset's renders at 32, 64 and 256 pixels (rendered directly or resized by the prepare
 *       stage) it is exact; {@code SceneCheckerTest} asserts this and measures the agreement after
 *       mild blur and JPEG compression.
 *   <li>{@link org.dalle.evaluation.compositional.CompositionalScorer} decides the GenEval-style
 *       {@link org.dalle.evaluation.compositional.CompositionalTask tasks} for one image and its
 *       caption's {@link org.dalle.evaluation.compositional.CaptionFacts facts}; {@link
 *       org.dalle.evaluation.compositional.CompositionalBenchmark} adds them up per labelled {@link
 *       org.dalle.evaluation.compositional.SampleSet} (top-1 after reranking, unreranked) into
 *       per-task accuracies, their mean (the overall score) and the share of images for which every
 *       stated fact holds. {@link org.dalle.evaluation.compositional.FactChecks} says which stated
 *       facts an image gets right one at a time, and the benchmark keeps each caption's verdicts
 *       ({@link org.dalle.evaluation.compositional.CaptionVerdicts}) so a report can show every
 *       image beside what went wrong in it.
 *   <li>{@link org.dalle.evaluation.compositional.CompositionalEvaluation} is the entry for a
 *       command: captions from JSONL or the prepare stage's Avro, images from a directory of sample
 *       sets ({@link org.dalle.evaluation.compositional.SampleDirectory}), results to {@code
 *       compositional.json}, written atomically.
 * </ul>
 */
package org.dalle.evaluation.compositional;
