package org.dalle.pipelines.io;

import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.dalle.pipelines.options.DallePipelineOptions;
import org.dalle.pipelines.options.Runner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch pipeline that writes into a {@link StagedOutput} and commits it as its own last step
 * ({@link CommitStagedOutput}), seen from the process that started it: waited for with a progress
 * line, with the staging directory removed if the run fails, so nothing half-written is left; or,
 * when the runner only writes a template of the job (a Dataflow Flex Template launch), handed over
 * to run and commit without this process.
 */
public final class StagedRun {
  private static final Logger LOG = LoggerFactory.getLogger(StagedRun.class);

  private final String job;
  private final StagedOutput output;
  private final PipelineResult result;

  private StagedRun(String job, StagedOutput output, PipelineResult result) {
    this.job = job;
    this.output = output;
    this.result = result;
  }

  /**
   * Settings every job applies to the Direct runner: {@code run()} returns at once so progress can
   * be printed, and the immutability and encodability checks (a testing aid that re-encodes every
   * element at every step, kept by TestPipeline) are off.
   */
  public static void configureRunner(PipelineOptions options) {
    if (options.getRunner().getName().equals(Runner.DIRECT.className())) {
      DirectOptions direct = options.as(DirectOptions.class);
      direct.setBlockOnRun(false);
      direct.setEnforceImmutability(false);
      direct.setEnforceEncodability(false);
    }
  }

  /**
   * Whether running with {@code options} only writes the job's template, as the Dataflow Flex
   * Template launcher asks ({@code --templateLocation}): the job runs later, without this process,
   * so nothing here can wait for it. Read by name, so that a jar without the Dataflow runner
   * compiles and runs the same code.
   */
  public static boolean createsTemplate(PipelineOptions options) {
    return options.getRunner().getName().equals(Runner.DATAFLOW.className())
        && options.as(DallePipelineOptions.class).getTemplateLocation() != null;
  }

  /**
   * Fails unless {@code options} only write the job's template.
   *
   * @throws IllegalArgumentException naming what a template launch sets
   */
  public static void checkCreatesTemplate(String job, PipelineOptions options) {
    if (!createsTemplate(options)) {
      throw new IllegalArgumentException(
          job
              + " is launched from a template only with --runner=DataflowRunner and"
              + " --templateLocation, as the Dataflow Flex Template launcher passes them; runner "
              + options.getRunner().getSimpleName()
              + " runs it here");
    }
  }

  /**
   * Starts {@code pipeline}, whose last step commits {@code output}; if the runner refuses it, the
   * staging directory is removed and the error thrown.
   */
  public static StagedRun start(String job, Pipeline pipeline, StagedOutput output) {
    try {
      return new StagedRun(job, output, pipeline.run());
    } catch (RuntimeException e) {
      output.abort();
      throw refusal(e);
    }
  }

  /** The output the job commits. */
  public StagedOutput output() {
    return output;
  }

  /**
   * Waits until the job has committed its output. When it fails, removes the staging directory and
   * throws: the finisher's own exception when the job refused its output ({@link
   * OutputRefusedException}), else the runner's.
   */
  public void awaitCommit(PipelineProgress progress) {
    PipelineResult.State state;
    try {
      state = progress.await(result);
    } catch (RuntimeException e) {
      output.abort();
      throw refusal(e);
    }
    if (state != PipelineResult.State.DONE) {
      output.abort();
      throw new IllegalStateException(
          job + " pipeline ended in state " + state + "; no output was written");
    }
    if (!output.isComplete()) {
      throw new IllegalStateException(
          job
              + " pipeline finished but "
              + output.markerPath()
              + " is missing; the output is"
              + " incomplete");
    }
  }

  /**
   * Leaves the job to the runner that will run it from its template, saying where its output
   * appears. Nothing is removed: the job writes into the staging directory later.
   */
  public void handOver() {
    LOG.info(
        "{}: the job's template is written; the job commits {} when it finishes ({} marks it"
            + " complete)",
        job,
        output.finalPath(""),
        output.markerPath());
  }

  /** The finisher's exception when the job refused its output; {@code e} otherwise. */
  private static RuntimeException refusal(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OutputRefusedException refused
          && refused.getCause() instanceof RuntimeException cause) {
        return cause;
      }
    }
    return e;
  }
}
