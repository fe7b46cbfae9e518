/**
 * The in-domain evaluator: a small CNN the project trains on the synthetic scenes ({@code dalle
 * train-evaluator}) so that FID and IS can be measured on generated synthetic images, where
 * Inception-v3's ImageNet features say little (the paper's section 3.1 uses Inception-v3 on
 * MS-COCO).
 *
 * <ul>
 *   <li>{@link org.dalle.evaluation.evaluator.SceneLabels} turns a record's ground-truth attributes
 *       into per-head targets (colour, shape, size, position, count) and defines the Inception
 *       Score's classes, the joint (colour, shape).
 *   <li>{@link org.dalle.evaluation.evaluator.SceneClassifier} (built from {@link
 *       org.dalle.evaluation.evaluator.ConvStage}s) is the network; {@link
 *       org.dalle.evaluation.evaluator.HeadLoss} its loss; {@link
 *       org.dalle.evaluation.evaluator.HeadAccuracy} its held-out accuracy.
 *   <li>{@link org.dalle.evaluation.evaluator.EvaluatorExport} writes and reads the export
 *       directory; {@link org.dalle.evaluation.evaluator.EvaluatorNetwork#load} opens it as a
 *       {@link org.dalle.evaluation.features.FeatureNetwork}.
 * </ul>
 */
package org.dalle.evaluation.evaluator;
