package org.dalle.pipelines.io;

import java.io.PrintStream;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Where a job's progress line goes: redrawn in place on a terminal, printed as whole lines to a log
 * (CI, {@code kubectl logs}, a file), or nowhere when the log is quiet ({@code dalle --quiet}).
 */
public abstract class ProgressDisplay {
  /** Nothing is shown. */
  public static final ProgressDisplay OFF =
      new ProgressDisplay() {
        @Override
        public boolean isOn() {
          return false;
        }

        @Override
        public boolean redraws() {
          return false;
        }

        @Override
        public void show(String line) {}

        @Override
        public void end() {}
      };

  /**
   * The display for a job that logs to {@code log}: off when {@code log} does not print info
   * messages, redrawn on standard error when this process has a terminal, and {@code log}'s info
   * lines otherwise.
   */
  public static ProgressDisplay forLog(Logger log) {
    if (!log.isInfoEnabled()) {
      return OFF;
    }
    return System.console() != null ? terminal(System.err) : lines(log::info);
  }

  /** Redraws the line in place on {@code terminal}. */
  public static ProgressDisplay terminal(PrintStream terminal) {
    return new ProgressDisplay() {
      private int lastLength;

      @Override
      public boolean isOn() {
        return true;
      }

      @Override
      public boolean redraws() {
        return true;
      }

      @Override
      public void show(String line) {
        // Pad over the tail of a longer previous line.
        String padding = " ".repeat(Math.max(0, lastLength - line.length()));
        terminal.print("\r" + line + padding);
        terminal.flush();
        lastLength = line.length();
      }

      @Override
      public void end() {
        terminal.println();
        terminal.flush();
        lastLength = 0;
      }
    };
  }

  /** Hands every line, whole, to {@code sink}. */
  public static ProgressDisplay lines(Consumer<String> sink) {
    return new ProgressDisplay() {
      @Override
      public boolean isOn() {
        return true;
      }

      @Override
      public boolean redraws() {
        return false;
      }

      @Override
      public void show(String line) {
        sink.accept(line);
      }

      @Override
      public void end() {}
    };
  }

  /** Whether anything is shown; a job may skip building lines when not. */
  public abstract boolean isOn();

  /**
   * Whether a line replaces the previous one in place (a terminal, redrawn often) rather than
   * adding a line to a log (printed every so often, so the log stays short).
   */
  public abstract boolean redraws();

  public abstract void show(String line);

  /** Ends the redrawn line, so what follows starts on a line of its own. */
  public abstract void end();
}
