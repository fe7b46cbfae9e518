package org.dalle.pipelines.io;

import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Runs a batch pipeline that writes into a {@link StagedOutput}: with a progress line while it
 * works, and with the staging directory removed if the run fails, so nothing half-written is left.
 */
public final class StagedRun {
  private StagedRun() {}

  /**
   * Settings every job applies to the Direct runner: {@code run()} returns at once so progress can
   * be printed, and the immutability and encodability checks (a testing aid that re-encodes every
   * element at every step, kept by TestPipeline) are off.
   */
  public static void configureRunner(PipelineOptions options) {
    if (options.getRunner().getSimpleName().equals("DirectRunner")) {
      DirectOptions direct = options.as(DirectOptions.class);
      direct.setBlockOnRun(false);
      direct.setEnforceImmutability(false);
      direct.setEnforceEncodability(false);
    }
  }

  /** Runs {@code pipeline} to completion; on failure aborts {@code output} and throws. */
  public static void execute(
      String job, Pipeline pipeline, StagedOutput output, PipelineProgress progress) {
    PipelineResult.State state;
    try {
      state = progress.await(pipeline.run());
    } catch (RuntimeException e) {
      output.abort();
      throw e;
    }
    if (state != PipelineResult.State.DONE) {
      output.abort();
      throw new IllegalStateException(
          job + " pipeline ended in state " + state + "; no output was written");
    }
  }
}
