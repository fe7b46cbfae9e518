package org.dalle.pipelines.io;

/**
 * A staged output that its job's last step would not commit: the files the job wrote failed the
 * check that finishing them makes (too few usable records, counts that do not add up). Its cause
 * says why; the output stays incomplete.
 */
public final class OutputRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OutputRefusedException(String out, Exception cause) {
    super("the output " + out + " was not committed: " + cause.getMessage(), cause);
  }
}
