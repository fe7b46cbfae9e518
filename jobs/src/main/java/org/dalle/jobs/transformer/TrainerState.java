package org.dalle.jobs.transformer;

import org.dalle.jobs.train.PlateauHalving;

/**
 * The transformer job's own state in a checkpoint ({@value #FILE}), beside the weights, optimizer
 * and EMA: what a resumed run needs to take the same learning rates and gradient scales.
 *
 * @param plateau the plateau detector's state
 * @param windowLossSum sum of the losses of the plateau window in progress
 * @param windowUpdates updates in the plateau window in progress
 * @param skippedUpdates updates skipped for a non-finite gradient so far (fp16)
 * @param gradientScaler the per-resblock gradient scaler's exported state; empty in fp32
 */
record TrainerState(
    PlateauHalving.State plateau,
    double windowLossSum,
    long windowUpdates,
    long skippedUpdates,
    double[] gradientScaler) {

  static final String FILE = "trainer.json";
}
