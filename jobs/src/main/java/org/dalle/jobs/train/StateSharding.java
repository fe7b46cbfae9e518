package org.dalle.jobs.train;

import ai.djl.nn.ParameterList;
import org.dalle.models.optim.Gradients;

/**
 * Where the training state of a data-parallel run lives: on every rank whole (the default), or cut
 * into one shard per rank (ZeRO stages 1-3; {@code org.dalle.jobs.distributed.ZeroSharding}).
 * {@link TrainingLoop} calls it around each update, in this order: {@link #beforeStep}, the
 * backward pass, the gradient reduction, the trainer's update, {@link #afterUpdate}, {@link
 * #clearGradients}; then, after the step's logging and any checkpoint, {@link #afterStep}.
 *
 * <p>Checkpoints always hold the whole state, so a run may resume with another stage or rank count:
 * around a checkpoint (and before the export) the loop asks for the whole state with {@link
 * #gatherState} and cuts it again with {@link #shardState}. Every call is made on every rank.
 */
public interface StateSharding {

  /** Every rank holds the whole state. */
  StateSharding NONE = new StateSharding() {};

  /**
   * Keeps only this rank's shard of the optimizer state and EMA of {@code parts} (which every rank
   * holds whole after building or restoring).
   */
  default void shardState(ModelTrainer.Parts parts) {}

  /** Makes the optimizer state and EMA of {@code parts} whole on every rank again. */
  default void gatherState(ModelTrainer.Parts parts) {}

  /** Before an update's forward pass: the parameters must be whole. */
  default void beforeStep(ParameterList parameters) {}

  /** After the optimizer took its update: every rank's updated parameters reach every rank. */
  default void afterUpdate(ParameterList parameters) {}

  /** Readies the gradients for the next backward pass. */
  default void clearGradients(ParameterList parameters) {
    Gradients.zeroGradients(parameters);
  }

  /** After a step's logging and checkpoint, before the next step. */
  default void afterStep(ParameterList parameters) {}
}
