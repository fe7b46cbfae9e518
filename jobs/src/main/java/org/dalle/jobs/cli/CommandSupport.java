package org.dalle.jobs.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** What the job commands share: config overrides from flags, engine threads, recorded arguments. */
final class CommandSupport {
  private CommandSupport() {}

  /** Adds a flag's value to the config overrides when the flag was given (non-null). */
  static void put(Map<String, Object> overrides, String key, Object value) {
    if (value != null) {
      overrides.put(key, value);
    }
  }

  /**
   * Sets the engine's intra-op thread count (and one inter-op thread) when {@code threads} is
   * positive; 0 keeps the engine's default. Takes effect only before the engine first loads.
   */
  static void useEngineThreads(int threads) {
    if (threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }

  /** The arguments the command was called with, for a job's {@code run.json}. */
  static List<String> originalArgs(CommandSpec spec) {
    return Arrays.asList(spec.commandLine().getParseResult().originalArgs().toArray(new String[0]));
  }
}
