package org.dalle.jobs.evaluator;

import java.nio.file.Path;

/**
 * What a {@code train-evaluator} run ended with (see {@link EvaluatorTrainer}).
 *
 * @param step updates done
 * @param finished whether all configured steps are done (false after a stop request)
 * @param exitCode 0, or the stop signal's code
 * @param evaluation the held-out evaluation, when {@code finished}
 * @param export the export directory, written when {@code finished}
 */
public record TrainEvaluatorResult(
    long step, boolean finished, int exitCode, HeldOutEvaluation evaluation, Path export) {}
