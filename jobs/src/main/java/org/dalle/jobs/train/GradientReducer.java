package org.dalle.jobs.train;

import ai.djl.nn.ParameterList;

/**
 * Makes every process's gradients the mean over all processes' batches, between the backward pass
 * and the update. {@link TrainingLoop} calls it at exactly one point of every step, so
 * data-parallel training across processes (an all-reduce over a collective library) plugs in here
 * and nowhere else.
 */
@FunctionalInterface
public interface GradientReducer {

  /** One process: its gradients already are the mean over its batch, so nothing changes. */
  GradientReducer LOCAL = parameters -> {};

  /** Replaces the gradient of every parameter by its mean over all processes. */
  void reduce(ParameterList parameters);
}
