package org.dalle.jobs.train;

import java.util.Map;

/** What one update reports: its line of {@code metrics.jsonl} and its progress-bar fields. */
public interface StepFigures {

  /**
   * The figures written to {@code metrics.jsonl}, in order.
   *
   * @param seconds wall time of the update, for throughput figures
   */
  Map<String, Number> logged(double seconds);

  /** The figures on the progress line, in order. */
  Map<String, Number> shown();
}
