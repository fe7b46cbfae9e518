/**
 * {@code dalle evaluate} and {@code dalle rerank-curve}: score a sampling run's images.
 *
 * <ul>
 *   <li>{@link org.dalle.jobs.evaluate.EvaluationJob} ({@link
 *       org.dalle.jobs.evaluate.EvaluateConfig}): FID and IS against blur radius for the reranked
 *       and unreranked sets ({@link org.dalle.jobs.evaluate.SampleSets}), the compositional
 *       benchmark, and {@code report.html} ({@link org.dalle.jobs.evaluate.EvaluationReport});
 *   <li>{@link org.dalle.jobs.evaluate.RerankCurveJob}: whether reranking more candidates helps.
 * </ul>
 *
 * The feature networks they measure in live in {@code org.dalle.evaluation.features} (Inception-v3)
 * and {@code org.dalle.evaluation.indomain} (the in-domain evaluator, trained by {@code
 * org.dalle.jobs.indomain}).
 */
package org.dalle.jobs.evaluate;
