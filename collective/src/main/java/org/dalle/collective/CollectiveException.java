package org.dalle.collective;

/** A collective that failed or timed out, or a helper that died: the run cannot go on. */
public final class CollectiveException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CollectiveException(String message) {
    super(message);
  }

  public CollectiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
