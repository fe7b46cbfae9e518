package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The flag checks of {@code dalle sample} that fail before any model is loaded. */
class SampleCommandTest {
  private final StringWriter err = new StringWriter();
  @TempDir Path dir;

  private int run(String... args) {
    CommandLine cli = DalleCommand.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private String[] args(String... more) {
    String[] base = {
      "sample",
      "--transformer",
      "t",
      "--dvae",
      "d",
      "--out",
      dir.resolve("out").toString(),
      "--caption",
      "a red circle"
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void badCountsAndUnsupportedCombinationsAreClearErrors() {
    assertEquals(2, run(args("--candidates", "4", "--keep", "5")));
    assertTrue(err.toString().contains("--keep is 5; expected 1..4"), err.toString());
    assertEquals(2, run(args("--count", "4", "--keep", "2")));
    assertTrue(
        err.toString().contains("--keep 2 of --candidates 4 needs a reranker"), err.toString());
    assertEquals(2, run(args("--candidates", "0")));
    assertTrue(err.toString().contains("--candidates is 0"), err.toString());
    assertEquals(2, run(args("--clip", "clip/export")));
    assertTrue(err.toString().contains("--clip clip/export"), err.toString());
    assertEquals(2, run(args("--tempLocation", "/tmp/beam")));
    assertTrue(err.toString().contains("add --runner"), err.toString());
    assertEquals(2, run(args("--runner", "DirectRunner")));
    assertTrue(err.toString().contains("--caption is not read by the Beam variant"));
    assertTrue(!Files.exists(dir.resolve("out")));
  }
}
