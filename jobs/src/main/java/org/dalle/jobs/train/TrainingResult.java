package org.dalle.jobs.train;

/** What every {@code train-*} run's result says, whatever the model: how the run ended. */
public interface TrainingResult {

  /** Whether all configured steps are done (false after a stop request). */
  boolean finished();

  /** 0, or the stop signal's code. */
  int exitCode();
}
