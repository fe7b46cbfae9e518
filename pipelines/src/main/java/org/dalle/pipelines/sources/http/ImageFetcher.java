package org.dalle.pipelines.sources.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.dalle.pipelines.sources.SourceConfig;

/**
 * Downloads one image URL safely, for the {@code tsv:FILE} source (Conceptual Captions style URL
 * lists, as the paper's data was collected from the internet, Ramesh et al. 2021, section 2.3).
 *
 * <ul>
 *   <li>Every URL, and every redirect target, must pass the {@link AddressPolicy} before a
 *       connection is opened; redirects (at most {@link #MAX_REDIRECTS}) are followed here, never
 *       by the HTTP library, so a public URL redirecting to 127.0.0.1 is refused.
 *   <li>A host name is looked up once per connection, by the policy ({@link PolicyCheckedDns}), and
 *       the connection goes to one of exactly the addresses that lookup returned and the policy
 *       approved: a name server that answers differently to a second lookup (DNS rebinding) never
 *       gets asked. Proxies are not used, since a proxy would resolve the name itself.
 *   <li>Connect and read timeouts per attempt; the read timeout bounds each wait for data (the
 *       headers, then each read of the body), not the whole download, which the byte cap bounds.
 *   <li>Transient failures (timeouts, connection reset, 408, 429, 500, 502, 503, 504) are retried
 *       up to {@code httpMaxAttempts} attempts, waiting {@code httpInitialBackoffMillis} and
 *       doubling after each failure, or longer when a {@code Retry-After: SECONDS} header asks for
 *       it; no wait exceeds {@link #MAX_WAIT_MILLIS}. Other statuses fail at once.
 *   <li>A response carrying an {@code X-Robots-Tag} with {@code noai}/{@code noimageai} is refused
 *       as opted out, whatever its status.
 *   <li>The Content-Type must start with {@code image/}; the body may not exceed {@code
 *       httpMaxBytes}, checked from Content-Length before reading and again while reading, which
 *       stops one byte past the cap.
 * </ul>
 *
 * <p>Keeps no mutable state apart from the HTTP client's pool of keep-alive connections, so one
 * instance may serve several threads; {@link #close} releases the pool.
 */
public final class ImageFetcher implements AutoCloseable {
  public static final int MAX_REDIRECTS = 5;

  /** Longest wait between two attempts, whatever the backoff or a {@code Retry-After} says. */
  public static final long MAX_WAIT_MILLIS = 60_000;

  static final String USER_AGENT =
      "dalle-pipelines-tsv-source/0.1 (image-caption dataset builder; honours X-Robots-Tag noai)";

  private static final Set<Integer> TRANSIENT_STATUSES = Set.of(408, 429, 500, 502, 503, 504);
  private static final Set<Integer> REDIRECT_STATUSES = Set.of(301, 302, 303, 307, 308);

  /**
   * The hosts OkHttp may take as IP literals (its own test): some of its versions connect to those
   * without asking the {@link PolicyCheckedDns}, so they are checked before the request too.
   */
  private static final Pattern IP_LITERAL =
      Pattern.compile("\\[.*]|[0-9a-fA-F]*:[0-9a-fA-F:.]*|[\\d.]+");

  private final SourceConfig config;
  private final AddressPolicy policy;
  private final Sleeper sleeper;
  private final OkHttpClient client;

  /** A fetcher with the system resolver and real sleeps. */
  public ImageFetcher(SourceConfig config) {
    this(config, AddressPolicy.withSystemResolver(config.allowPrivateAddresses()), Sleeper.SYSTEM);
  }

  public ImageFetcher(SourceConfig config, AddressPolicy policy, Sleeper sleeper) {
    if (config == null || policy == null || sleeper == null) {
      throw new IllegalArgumentException(
          "config, policy and sleeper are all required, got "
              + config
              + ", "
              + policy
              + ", "
              + sleeper);
    }
    if (config.httpInitialBackoffMillis() < 0) {
      throw new IllegalArgumentException(
          "httpInitialBackoffMillis must be >= 0, got " + config.httpInitialBackoffMillis());
    }
    this.config = config;
    this.policy = policy;
    this.sleeper = sleeper;
    this.client =
        new OkHttpClient.Builder()
            .dns(new PolicyCheckedDns(policy))
            .proxy(Proxy.NO_PROXY)
            .followRedirects(false)
            .followSslRedirects(false)
            .connectTimeout(Duration.ofMillis(config.httpConnectTimeoutMillis()))
            .readTimeout(Duration.ofMillis(config.httpReadTimeoutMillis()))
            .build();
  }

  /** Closes the pooled keep-alive connections. */
  @Override
  public void close() {
    client.connectionPool().evictAll();
    client.dispatcher().executorService().shutdown();
  }

  /**
   * Fetches {@code rawUrl} (parsed leniently, see {@link LenientUrl}).
   *
   * @throws InterruptedException when interrupted while waiting to retry
   */
  public FetchResult fetch(String rawUrl) throws InterruptedException {
    URI url;
    try {
      url = LenientUrl.parse(rawUrl);
    } catch (URISyntaxException e) {
      return new FetchResult.Failed(FetchReason.BAD_URL, "cannot parse URL '" + rawUrl + "': " + e);
    }
    Set<URI> visited = new HashSet<>();
    for (int redirects = 0; ; redirects++) {
      if (!visited.add(url)) {
        return new FetchResult.Failed(
            FetchReason.TOO_MANY_REDIRECTS,
            "redirect loop: " + url + " was already visited while fetching " + rawUrl);
      }
      Optional<FetchResult.Failed> refusal = checkBeforeConnecting(url);
      if (refusal.isPresent()) {
        return refusal.get();
      }
      Attempt outcome = fetchWithRetries(url);
      if (outcome instanceof Attempt.Done done) {
        return done.result();
      }
      if (redirects == MAX_REDIRECTS) {
        return new FetchResult.Failed(
            FetchReason.TOO_MANY_REDIRECTS,
            rawUrl + " redirected more than " + MAX_REDIRECTS + " times; last hop " + url);
      }
      url = ((Attempt.Redirect) outcome).location();
    }
  }

  /**
   * The policy's checks that come before a request: the scheme, and the address of an IP literal
   * host, which cannot resolve differently twice (names are checked by {@link PolicyCheckedDns} as
   * the client connects).
   */
  private Optional<FetchResult.Failed> checkBeforeConnecting(URI url) {
    Optional<FetchResult.Failed> refusal = policy.checkUrl(url);
    if (refusal.isPresent() || !IP_LITERAL.matcher(url.getHost()).matches()) {
      return refusal;
    }
    try {
      policy.approvedAddresses(url.getHost());
      return Optional.empty();
    } catch (RefusedHostException e) {
      return Optional.of(e.refusal());
    }
  }

  /** One hop: retries transient failures; ends with a result or a redirect. */
  private Attempt fetchWithRetries(URI url) throws InterruptedException {
    long backoff = config.httpInitialBackoffMillis();
    for (int attempt = 1; ; attempt++) {
      Attempt outcome = attemptOnce(url);
      if (!(outcome instanceof Attempt.Transient failed)) {
        return outcome;
      }
      if (attempt >= config.httpMaxAttempts()) {
        FetchResult.Failed last = failed.failure();
        return new Attempt.Done(
            new FetchResult.Failed(
                last.reason(), last.detail() + " (gave up after " + attempt + " attempts)"));
      }
      sleeper.sleep(Math.min(MAX_WAIT_MILLIS, Math.max(backoff, failed.retryAfterMillis())));
      backoff = backoff > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : backoff * 2;
    }
  }

  private Attempt attemptOnce(URI url) {
    HttpUrl httpUrl = HttpUrl.parse(url.toASCIIString());
    if (httpUrl == null) {
      return done(FetchReason.BAD_URL, "cannot open " + url + ": not an http(s) URL");
    }
    Request request =
        new Request.Builder()
            .url(httpUrl)
            .header("User-Agent", USER_AGENT)
            .header("Accept", "image/*")
            .build();
    try (Response response = client.newCall(request).execute()) {
      return readResponse(url, response);
    } catch (IOException e) {
      return failure(url, e);
    }
  }

  /** What an exception of one attempt means: a refusal, a transient failure, or a final one. */
  private static Attempt failure(URI url, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RefusedHostException refused) {
        return new Attempt.Done(refused.refusal());
      }
    }
    if (e instanceof SocketTimeoutException) {
      return new Attempt.Transient(
          new FetchResult.Failed(FetchReason.TIMEOUT, "timed out fetching " + url + ": " + e), 0);
    }
    if (e instanceof UnknownHostException) {
      return done(FetchReason.DNS_FAILURE, "host of " + url + " does not resolve: " + e);
    }
    FetchResult.Failed failure =
        new FetchResult.Failed(FetchReason.FETCH_FAILED, "fetching " + url + " failed: " + e);
    return isConnectionReset(e) ? new Attempt.Transient(failure, 0) : new Attempt.Done(failure);
  }

  private Attempt readResponse(URI url, Response response) throws IOException {
    int status = response.code();
    Optional<String> optOut = RobotsTag.aiOptOut(response.headers(RobotsTag.HEADER));
    if (optOut.isPresent()) {
      return done(
          FetchReason.OPTED_OUT,
          url + " answered with X-Robots-Tag '" + optOut.get() + "' (no AI training use)");
    }
    if (REDIRECT_STATUSES.contains(status)) {
      return redirect(url, status, response.header("Location"));
    }
    if (TRANSIENT_STATUSES.contains(status)) {
      return new Attempt.Transient(
          new FetchResult.Failed(FetchReason.HTTP_STATUS, "HTTP " + status + " from " + url),
          retryAfterMillis(response.header("Retry-After")));
    }
    if (status != 200) {
      return done(FetchReason.HTTP_STATUS, "HTTP " + status + " from " + url + "; expected 200");
    }
    String contentType = response.header("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("image/")) {
      return done(
          FetchReason.BAD_CONTENT_TYPE,
          "Content-Type of " + url + " is '" + contentType + "'; expected image/*");
    }
    long maxBytes = config.httpMaxBytes();
    ResponseBody body = response.body();
    long declared = body.contentLength();
    if (declared > maxBytes) {
      return done(
          FetchReason.TOO_LARGE,
          url + " declares Content-Length " + declared + " bytes; the cap is " + maxBytes);
    }
    try (InputStream in = body.byteStream()) {
      Optional<byte[]> bytes = readAtMost(in, maxBytes);
      if (bytes.isEmpty()) {
        return done(
            FetchReason.TOO_LARGE,
            "body of " + url + " exceeded the cap of " + maxBytes + " bytes while streaming");
      }
      return new Attempt.Done(new FetchResult.Fetched(url, contentType, bytes.get()));
    }
  }

  private static Attempt redirect(URI from, int status, String location) {
    if (location == null || location.isBlank()) {
      return done(
          FetchReason.BAD_REDIRECT, "HTTP " + status + " from " + from + " has no Location header");
    }
    try {
      // URI.resolve drops the slash between an empty base path and a relative reference.
      URI base =
          from.getRawPath() == null || from.getRawPath().isEmpty() ? from.resolve("/") : from;
      return new Attempt.Redirect(base.resolve(LenientUrl.parse(location)));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return done(
          FetchReason.BAD_REDIRECT,
          "HTTP "
              + status
              + " from "
              + from
              + " has an unusable Location '"
              + location
              + "': "
              + e);
    }
  }

  /** Reads the whole stream, or returns empty as soon as it proves longer than {@code max}. */
  static Optional<byte[]> readAtMost(InputStream in, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    long total = 0;
    while (true) {
      // Ask for at most one byte past the cap: enough to prove the body is too large.
      int want = (int) Math.min(buffer.length, max + 1 - total);
      int n = in.read(buffer, 0, want);
      if (n < 0) {
        return Optional.of(out.toByteArray());
      }
      total += n;
      if (total > max) {
        return Optional.empty();
      }
      out.write(buffer, 0, n);
    }
  }

  /** Milliseconds a {@code Retry-After: SECONDS} header asks for (capped); 0 when absent. */
  static long retryAfterMillis(String header) {
    if (header == null || !header.strip().matches("\\d{1,10}")) {
      // The HTTP-date form is rare for 429/503 and the backoff already waits; only seconds count.
      return 0;
    }
    return Math.min(Long.parseLong(header.strip()) * 1000, MAX_WAIT_MILLIS);
  }

  private static boolean isConnectionReset(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      // No subclass marks a reset: these are the JDK's and the HTTP client's messages for a peer
      // that dropped the connection.
      if ((t instanceof SocketException && message.contains("Connection reset"))
          || message.contains("unexpected end of stream")) {
        return true;
      }
    }
    return false;
  }

  private static Attempt done(String reason, String detail) {
    return new Attempt.Done(new FetchResult.Failed(reason, detail));
  }

  /** The outcome of one request. */
  private sealed interface Attempt {
    record Done(FetchResult result) implements Attempt {}

    record Redirect(URI location) implements Attempt {}

    record Transient(FetchResult.Failed failure, long retryAfterMillis) implements Attempt {}
  }
}
