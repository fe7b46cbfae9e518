/**
 * The in-domain evaluator network: a small CNN the project trains on the synthetic scenes so that
 * FID and IS can be measured on generated synthetic images, where Inception-v3's ImageNet features
 * say little (the paper's section 3.1 uses Inception-v3 on MS-COCO). This package is the model;
 * {@code org.dalle.jobs.indomain} trains it ({@code dalle train-evaluator}), and {@code
 * org.dalle.jobs.evaluate} ({@code dalle evaluate}) measures samples in its features ({@code
 * --features evaluator:DIR}).
 *
 * <ul>
 *   <li>{@link org.dalle.evaluation.indomain.SceneLabels} turns a record's ground-truth attributes
 *       into per-head targets (colour, shape, size, position, count) and defines the Inception
 *       Score's classes, the joint (colour, shape).
 *   <li>{@link org.dalle.evaluation.indomain.SceneClassifier} (built from {@link
 *       org.dalle.evaluation.indomain.ConvStage}s) is the network; {@link
 *       org.dalle.evaluation.indomain.HeadLoss} its loss; {@link
 *       org.dalle.evaluation.indomain.HeadAccuracy} its held-out accuracy.
 *   <li>{@link org.dalle.evaluation.indomain.EvaluatorExport} writes and reads the export
 *       directory; {@link org.dalle.evaluation.indomain.EvaluatorNetwork#load} opens it as a {@link
 *       org.dalle.evaluation.features.FeatureNetwork}.
 * </ul>
 */
package org.dalle.evaluation.indomain;
