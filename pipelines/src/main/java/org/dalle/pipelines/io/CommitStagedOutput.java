package org.dalle.pipelines.io;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * The last step of a pipeline that writes into a {@link StagedOutput}: once every write it waits on
 * has finished, a single element finishes the output and commits it. Finishing reads the staged
 * files to compute the completion marker's text (a summary whose bookkeeping is checked) and may
 * stage last small files such as {@code run.json}; committing moves everything into place and
 * writes the marker last. So the output appears complete exactly when the job has finished, whoever
 * launched it: the {@code dalle} CLI waiting for the job, or a Dataflow Flex Template launcher that
 * exits as soon as the job is submitted.
 *
 * <p>A {@link Finisher} that throws fails the job before anything moves ({@link
 * OutputRefusedException} carries its reason): the output stays incomplete. The result of finishing
 * is checkpointed before the commit, so a retried commit (on a runner that retries bundles) does
 * not finish again from files it already moved: it moves what is still staged and writes the marker
 * again.
 *
 * <p>Outputs the committed marker's path.
 */
public final class CommitStagedOutput extends PTransform<PBegin, PCollection<String>> {
  /** Computes the completion marker's text from a staged output. */
  @FunctionalInterface
  public interface Finisher extends Serializable {
    /**
     * @return the marker's text
     * @throws Exception when the staged files must not be committed (the job then fails)
     */
    String finish(StagedOutput output) throws Exception;
  }

  private final List<PCollection<?>> writes;
  private final StagedOutput output;
  private final Finisher finisher;

  private CommitStagedOutput(List<PCollection<?>> writes, StagedOutput output, Finisher finisher) {
    this.writes = List.copyOf(writes);
    this.output = output;
    this.finisher = finisher;
  }

  /**
   * Commits {@code output} after {@code writes}, the results of every step that writes into its
   * staging directory (a file write's {@code getPerDestinationOutputFilenames()}, or the output of
   * a DoFn that writes files itself), each complete only once its files are in place.
   */
  public static CommitStagedOutput after(
      List<PCollection<?>> writes, StagedOutput output, Finisher finisher) {
    if (writes.isEmpty()) {
      throw new IllegalArgumentException(
          "a staged output is committed after the writes into it; none were given");
    }
    return new CommitStagedOutput(writes, output, finisher);
  }

  @Override
  public PCollection<String> expand(PBegin begin) {
    return begin
        .apply("Once", Create.of(output.finalPath("")))
        .apply("AfterWrites", Wait.on(writes))
        .apply("Finish", ParDo.of(new FinishFn(finisher, output)))
        // A checkpoint between finishing and committing: a retried commit must not finish again,
        // since the staged files the finisher reads may already have moved.
        .apply("Checkpoint", Reshuffle.viaRandomKey())
        .apply("Commit", ParDo.of(new CommitFn(output)));
  }

  private static final class FinishFn extends DoFn<String, String> {
    private final Finisher finisher;
    private final StagedOutput output;

    FinishFn(Finisher finisher, StagedOutput output) {
      this.finisher = finisher;
      this.output = output;
    }

    @ProcessElement
    public void process(@Element String out, OutputReceiver<String> marker) {
      try {
        marker.output(finisher.finish(output));
      } catch (Exception e) {
        throw new OutputRefusedException(out, e);
      }
    }
  }

  private static final class CommitFn extends DoFn<String, String> {
    private final StagedOutput output;

    CommitFn(StagedOutput output) {
      this.output = output;
    }

    @ProcessElement
    public void process(@Element String markerContent, OutputReceiver<String> committed) {
      output.commit(markerContent);
      committed.output(output.markerPath());
    }
  }
}
