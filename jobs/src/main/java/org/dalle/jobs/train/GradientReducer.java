package org.dalle.jobs.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;

/**
 * Makes every process's gradients the mean over all processes' batches, between the backward pass
 * and the update. {@link TrainingLoop} calls it at exactly one point of every step, so
 * data-parallel training across processes (an all-reduce over a collective library) plugs in here
 * and nowhere else.
 *
 * <p>Around that point the loop also asks it where this process stands ({@link #rank}, {@link
 * #worldSize}: the loop gives each rank its slice of the global batch, and only rank 0 writes
 * metrics, checkpoints and the export), to start every rank from rank 0's weights ({@link
 * #broadcastParameters}) and to average the logged figures and agree on a stop ({@link #mean}). A
 * reducer that carries state from one update to the next (PowerSGD's error feedback) puts it into
 * checkpoints with {@link #checkpointState} and {@link #restoreState}.
 */
@FunctionalInterface
public interface GradientReducer {

  /** One process: its gradients already are the mean over its batch, so nothing changes. */
  GradientReducer LOCAL = parameters -> {};

  /** Replaces the gradient of every parameter by its mean over all processes. */
  void reduce(ParameterList parameters);

  /** This process's rank, in [0, {@link #worldSize}). */
  default int rank() {
    return 0;
  }

  /** How many processes train together. */
  default int worldSize() {
    return 1;
  }

  /** Replaces every parameter's value by rank 0's. */
  default void broadcastParameters(ParameterList parameters) {}

  /** The element-wise mean of {@code values} over all processes; every process must call it. */
  default double[] mean(double[] values) {
    return values.clone();
  }

  /**
   * The reducer's own state for the checkpoint rank 0 writes ({@link Checkpoint#REDUCER}), which
   * may be gathered from every rank: every process calls it before every checkpoint, and only rank
   * 0's list need be complete. Empty when the reducer keeps no state.
   *
   * @param parameters the trained parameters, whole
   * @param scope owns the returned arrays
   */
  default NDList checkpointState(ParameterList parameters, NDManager scope) {
    return new NDList();
  }

  /**
   * Takes up this process's part of a state {@link #checkpointState} returned on rank 0; every
   * process calls it when a run resumes, with an empty list when the checkpoint holds none.
   *
   * @param source the checkpoint it comes from, for messages
   */
  default void restoreState(NDList saved, ParameterList parameters, String source) {}
}
