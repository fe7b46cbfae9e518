/**
 * {@code dalle train-evaluator}: trains the in-domain evaluator network of {@code
 * org.dalle.evaluation.indomain} on the prepared synthetic data, so that FID and IS of synthetic
 * samples can be measured in features that know the scenes.
 *
 * <ul>
 *   <li>{@link org.dalle.jobs.indomain.EvaluatorTrainer} is the model's part of the one training
 *       loop ({@code org.dalle.jobs.train}); {@link org.dalle.jobs.indomain.TrainEvaluatorConfig}
 *       its settings ({@code configs/evaluator/tiny.yaml}).
 *   <li>{@link org.dalle.jobs.indomain.LabelledImages} divides the prepared data into training,
 *       validation and held-out-split images with their targets.
 *   <li>{@link org.dalle.jobs.indomain.HeldOutEvaluation} measures the trained network at the end:
 *       accuracy per head, real-versus-real FID, IS of real images.
 * </ul>
 *
 * Scoring samples with the trained network is {@code org.dalle.jobs.evaluate}'s ({@code dalle
 * evaluate}).
 */
package org.dalle.jobs.indomain;
