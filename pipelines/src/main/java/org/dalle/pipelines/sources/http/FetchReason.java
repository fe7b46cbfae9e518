package org.dalle.pipelines.sources.http;

/** The reason codes of {@link FetchResult.Failed}; they become {@code Rejected.reason}. */
public final class FetchReason {
  /** The URL (or a redirect's Location) cannot be parsed as an absolute URL with a host. */
  public static final String BAD_URL = "bad_url";

  /** The scheme is neither http nor https. */
  public static final String UNSUPPORTED_SCHEME = "unsupported_scheme";

  /** The host resolves to a loopback, link-local, private or otherwise internal address. */
  public static final String BLOCKED_ADDRESS = "blocked_address";

  /** The host name does not resolve. */
  public static final String DNS_FAILURE = "dns_failure";

  /** A status other than 200 or a followed redirect (after retries, for transient statuses). */
  public static final String HTTP_STATUS = "http_status";

  /** A redirect without a usable Location header. */
  public static final String BAD_REDIRECT = "bad_redirect";

  /** More redirects than {@link ImageFetcher#MAX_REDIRECTS}, or a redirect loop. */
  public static final String TOO_MANY_REDIRECTS = "too_many_redirects";

  /** The Content-Type is missing or is not {@code image/*}. */
  public static final String BAD_CONTENT_TYPE = "bad_content_type";

  /** The body is larger than the byte cap (announced by Content-Length or seen while reading). */
  public static final String TOO_LARGE = "too_large";

  /** The response carries an {@code X-Robots-Tag} with {@code noai} or {@code noimageai}. */
  public static final String OPTED_OUT = "opted_out";

  /** Connect or read timeouts on every attempt. */
  public static final String TIMEOUT = "timeout";

  /** Any other I/O failure (connection refused or reset, TLS failure, ...). */
  public static final String FETCH_FAILED = "fetch_failed";

  private FetchReason() {}
}
