package org.dalle.pipelines.sources.http;

import java.net.UnknownHostException;

/**
 * A host the {@link AddressPolicy} refused: it does not resolve, or it resolves to an address that
 * may not be fetched. An {@link UnknownHostException}, so an HTTP client's name lookup can throw it
 * and the connection is never opened; {@link #refusal()} says why, for the dead-letter record.
 */
public final class RefusedHostException extends UnknownHostException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  /**
   * @param reason {@link FetchReason#DNS_FAILURE} or {@link FetchReason#BLOCKED_ADDRESS}
   * @param detail names the host and the address that was refused
   */
  public RefusedHostException(String reason, String detail) {
    super(detail);
    this.reason = reason;
  }

  /** The refusal as a fetch result. */
  public FetchResult.Failed refusal() {
    return new FetchResult.Failed(reason, getMessage());
  }
}
