package org.dalle.jobs.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** What the job commands share: config overrides from flags, recorded arguments. */
final class CommandSupport {
  private CommandSupport() {}

  /** Adds a flag's value to the config overrides when the flag was given (non-null). */
  static void put(Map<String, Object> overrides, String key, Object value) {
    if (value != null) {
      overrides.put(key, value);
    }
  }

  /** The arguments the command was called with, for a job's {@code run.json}. */
  static List<String> originalArgs(CommandSpec spec) {
    return Arrays.asList(spec.commandLine().getParseResult().originalArgs().toArray(new String[0]));
  }
}
