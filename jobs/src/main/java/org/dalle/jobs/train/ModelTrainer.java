package org.dalle.jobs.train;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Ema;

/**
 * One model's part of a training run; {@link TrainingLoop} does the rest (run directory, resume,
 * steps, metrics, progress, stop, checkpoints, EMA export, the non-finite check and the gradient
 * reduction). The loop calls, in order: {@link #load}, {@link #build}, then per update {@link
 * #backward} and {@link #update}, and at the end {@link #export} and {@link #result}.
 *
 * @param <P> what the backward pass hands to the update
 * @param <R> what a run ends with
 */
public interface ModelTrainer<P extends ModelTrainer.Pass, R> {

  /** The forward and backward pass of one batch: its loss; the gradients are in the parameters. */
  interface Pass {
    /** The loss the gradients are of; the loop stops the run when it is not finite. */
    double loss();
  }

  /**
   * What the loop checkpoints, restores, reduces and exports, built by {@link #build}.
   *
   * @param parameters the trained parameters
   * @param optimizer their optimizer
   * @param ema the weight average that is exported, if the model keeps one
   */
  record Parts(ParameterList parameters, AdamW optimizer, Optional<Ema> ema)
      implements AutoCloseable {
    @Override
    public void close() {
      ema.ifPresent(Ema::close);
      optimizer.close();
    }
  }

  /** The job's name in messages, such as {@code train-dvae}. */
  String name();

  /** The shared settings of the run. */
  TrainingSettings settings();

  /**
   * Reads and checks the data and whatever else the run needs, before the run directory opens.
   *
   * @return the resolved config, saved in the run directory and in every checkpoint
   */
  Object load() throws IOException;

  /** Builds and initialises the model and its optimizer in {@code base}; the engine is seeded. */
  Parts build(NDManager base) throws IOException;

  /** The training examples' order, continued from {@code position}. */
  BatchSampler sampler(DataPosition position);

  /**
   * The forward and backward pass of the update after {@code step} earlier ones, every intermediate
   * in {@code scope}; the engine is seeded for the step.
   */
  P backward(long step, BatchSampler.Batch batch, NDManager scope);

  /** Applies the (reduced) gradients of {@code pass}: clipping, optimizer, EMA; its figures. */
  StepFigures update(long step, P pass);

  /** Whether an update with a non-finite loss is skipped by {@link #update} (not an error). */
  default boolean skipsNonFiniteUpdates() {
    return false;
  }

  /** Writes the trainer's own state into a checkpoint, beside weights, optimizer and EMA. */
  default void saveState(CheckpointWriter writer) throws IOException {}

  /** Restores what {@link #saveState} wrote. */
  default void restoreState(Checkpoint checkpoint) throws IOException {}

  /** Figures measured after {@code step} updates, logged as their own line; empty for none. */
  default Map<String, Number> evaluate(long step) throws IOException {
    return Map.of();
  }

  /** Called after every checkpoint, and at the end with the last checkpoint's weights. */
  default void afterCheckpoint(long step) throws IOException {}

  /** Writes the export for the next stage after the last step, with the EMA weights swapped in. */
  void export(long step, Path exportDir, RunDirectory run) throws IOException;

  /** What the run ended with. */
  R result(TrainingLoop.Outcome outcome) throws IOException;
}
