package org.dalle.pipelines.sources.http;

import java.net.URI;

/**
 * The outcome of fetching one URL: the body of an accepted image response, or a failure with a
 * snake_case reason (one of {@link FetchReason}) and a detail naming the bad value.
 */
public sealed interface FetchResult {

  /**
   * An accepted response.
   *
   * @param finalUrl the URL that answered, after any redirects
   * @param contentType the response's Content-Type header, which starts with {@code image/}
   * @param body the response body, at most the configured byte cap; records compare arrays by
   *     identity, so compare {@code body} with {@link java.util.Arrays#equals(byte[], byte[])}
   */
  record Fetched(URI finalUrl, String contentType, byte[] body) implements FetchResult {}

  /**
   * A refused or failed fetch.
   *
   * @param reason machine-readable reason, one of the {@link FetchReason} constants
   * @param detail human-readable detail naming the bad value and what was expected
   */
  record Failed(String reason, String detail) implements FetchResult {}
}
