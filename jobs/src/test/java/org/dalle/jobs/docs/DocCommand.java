package org.dalle.jobs.docs;

import java.util.List;
import java.util.Map;

/**
 * One simple command of a fenced {@code bash} block of the documentation: its program and arguments
 * as the shell would pass them (quotes removed, continuation lines joined, comments dropped), the
 * variables assigned before it, and the directory an earlier {@code cd} of the same line moved to.
 *
 * @param file the Markdown file, relative to the repository (e.g. {@code docs/prepare.md})
 * @param line the 1-based line the command starts on
 * @param env {@code NAME=value} assignments written before the program
 * @param dir the directory the command runs in, relative to the repository ("" for its root)
 * @param words the program, then its arguments
 */
public record DocCommand(
    String file, int line, Map<String, String> env, String dir, List<String> words) {
  public DocCommand {
    env = Map.copyOf(env);
    words = List.copyOf(words);
    if (words.isEmpty()) {
      throw new IllegalArgumentException(file + ":" + line + ": a command needs a program");
    }
  }

  public String program() {
    return words.get(0);
  }

  public List<String> args() {
    return words.subList(1, words.size());
  }

  @Override
  public String toString() {
    return file + ":" + line + ": " + String.join(" ", words);
  }
}
