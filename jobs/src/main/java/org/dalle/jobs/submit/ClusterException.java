package org.dalle.jobs.submit;

/**
 * A request to the Kubernetes API server that failed, with a message saying what was asked, what
 * the server answered and what to do about it, and the exit code the CLI should end with.
 */
public final class ClusterException extends RuntimeException {
  /**
   * The request was wrong or refused (bad parameters, not found, not authorised): fix and rerun.
   */
  public static final int REFUSED = 2;

  /** The server could not be reached or failed: rerunning later may work. */
  public static final int UNAVAILABLE = 1;

  private final int exitCode;

  public ClusterException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public ClusterException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
