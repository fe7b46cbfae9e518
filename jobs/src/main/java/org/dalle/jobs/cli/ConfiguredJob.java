package org.dalle.jobs.cli;

import java.io.IOException;

/**
 * A job command whose flags resolve to one validated config record: what {@code run(config)} would
 * get. Lets the manifests' tests and {@code dalle workflow run} check a step's arguments before any
 * work starts.
 */
public interface ConfiguredJob {
  /** The config the job would run with: defaults, then --config, then flags, validated. */
  Object jobConfig() throws IOException;
}
