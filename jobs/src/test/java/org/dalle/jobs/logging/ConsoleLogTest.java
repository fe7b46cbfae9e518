package org.dalle.jobs.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import org.dalle.pipelines.io.ProgressDisplay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The CLI's console log: our messages as written, the libraries' with where they come from, and
 * {@code --quiet} / {@code --verbose} applied to loggers that already exist.
 */
class ConsoleLogTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final ConsoleLog.Redirect console =
      ConsoleLog.redirectTo(new PrintStream(bytes, true, StandardCharsets.UTF_8));

  @AfterEach
  void restore() {
    console.close();
    ConsoleLog.setVerbosity(Verbosity.NORMAL);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void eachVerbosityLetsThroughItsLevels() {
    String ours = "org.dalle.pipelines.prepare.PreparePipeline";
    String beam = "org.apache.beam.sdk.Pipeline";
    assertEquals(Level.INFO, Verbosity.NORMAL.threshold(ours));
    assertEquals(Level.WARN, Verbosity.NORMAL.threshold(beam));
    assertEquals(Level.WARN, Verbosity.QUIET.threshold(ours));
    assertEquals(Level.WARN, Verbosity.QUIET.threshold(beam));
    assertEquals(Level.DEBUG, Verbosity.VERBOSE.threshold(ours));
    assertEquals(Level.DEBUG, Verbosity.VERBOSE.threshold(beam));
    // Known noise is kept out unless asked for.
    assertEquals(Level.ERROR, Verbosity.NORMAL.threshold("org.apache.beam.sdk.io.FileBasedSink"));
    assertEquals(Level.ERROR, Verbosity.QUIET.threshold("ai.djl.util.cuda.CudaUtils"));
    assertEquals(Level.DEBUG, Verbosity.VERBOSE.threshold("ai.djl.util.cuda.CudaUtils"));
  }

  @Test
  void ourLinesPrintAsWrittenAndTheLibrariesSayWhereTheyComeFrom() {
    LocalTime time = LocalTime.of(9, 5, 7);
    assertEquals(
        "prepare: reading synthetic:10",
        ConsoleLog.format("org.dalle.x.Y", Level.INFO, "prepare: reading synthetic:10", time, "t"));
    assertEquals(
        "warning: radius 4 has no reference",
        ConsoleLog.format("org.dalle.x.Y", Level.WARN, "radius 4 has no reference", time, "t"));
    assertEquals(
        "error: step failed",
        ConsoleLog.format("org.dalle.x.Y", Level.ERROR, "step failed", time, "t"));
    assertEquals(
        "09:05:07 [main] WARN org.apache.beam.sdk.Pipeline - slow",
        ConsoleLog.format("org.apache.beam.sdk.Pipeline", Level.WARN, "slow", time, "main"));
  }

  @Test
  void slf4jIsBoundToTheConsoleLog() {
    Logger log = LoggerFactory.getLogger("org.dalle.jobs.Example");
    assertInstanceOf(ConsoleLogger.class, log);
    log.info("{} of {} done", 3, 4);
    log.debug("not shown");
    LoggerFactory.getLogger("org.apache.beam.Example").info("not shown either");
    assertEquals("3 of 4 done\n", printed().replace(System.lineSeparator(), "\n"));
  }

  @Test
  void quietAndVerboseApplyToLoggersCreatedBefore() {
    Logger log = LoggerFactory.getLogger("org.dalle.jobs.Created");
    ConsoleLog.setVerbosity(Verbosity.QUIET);
    log.info("progress");
    log.warn("a warning");
    assertSame(ProgressDisplay.OFF, ProgressDisplay.forLog(log), "no progress when quiet");
    ConsoleLog.setVerbosity(Verbosity.VERBOSE);
    log.debug("detail");
    LoggerFactory.getLogger("org.apache.beam.Created").debug("library detail");
    String[] lines = printed().split("\\R");
    assertEquals(3, lines.length, printed());
    assertEquals("warning: a warning", lines[0]);
    assertEquals("detail", lines[1]);
    assertEquals(true, lines[2].endsWith(" DEBUG org.apache.beam.Created - library detail"));
  }
}
