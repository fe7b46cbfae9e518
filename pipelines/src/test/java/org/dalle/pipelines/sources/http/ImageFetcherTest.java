package org.dalle.pipelines.sources.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dalle.pipelines.sources.SourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fetches from a real HTTP server on 127.0.0.1, so every test allows private addresses. */
class ImageFetcherTest {
  private static final long MAX_BYTES = 64 * 1024;

  private static LoopbackImageServer server;

  private final List<Long> sleeps = new ArrayList<>();
  private final SourceConfig config =
      SourceConfig.builder()
          .httpConnectTimeoutMillis(500)
          .httpReadTimeoutMillis(300)
          .httpMaxAttempts(3)
          .httpInitialBackoffMillis(10)
          .httpMaxBytes(MAX_BYTES)
          .allowPrivateAddresses(true)
          .build();

  @BeforeAll
  static void startServer() throws IOException {
    server = new LoopbackImageServer();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void resetCounts() {
    server.resetCounts();
  }

  private FetchResult fetch(String path) throws InterruptedException {
    return fetcher(config).fetch(server.url(path));
  }

  private ImageFetcher fetcher(SourceConfig c) {
    return new ImageFetcher(
        c, AddressPolicy.withSystemResolver(c.allowPrivateAddresses()), sleeps::add);
  }

  private static FetchResult.Failed failed(FetchResult result, String reason) {
    FetchResult.Failed failed = assertInstanceOf(FetchResult.Failed.class, result);
    assertEquals(reason, failed.reason(), failed.detail());
    return failed;
  }

  @Test
  void fetchesPngAndJpegBytesExactly() throws Exception {
    FetchResult.Fetched png = assertInstanceOf(FetchResult.Fetched.class, fetch("/good.png"));
    FetchResult.Fetched jpeg = assertInstanceOf(FetchResult.Fetched.class, fetch("/good.jpg"));

    assertArrayEquals(LoopbackImageServer.PNG, png.body());
    assertEquals("image/png", png.contentType());
    assertArrayEquals(LoopbackImageServer.JPEG, jpeg.body());
    assertEquals("image/jpeg", jpeg.contentType());
    assertEquals(2, server.totalRequests());
    assertEquals(List.of(), sleeps);
  }

  /** The TSV source keeps one fetcher per worker thread, and with it a pool of connections. */
  @Test
  void successiveFetchesReuseOneKeepAliveConnection() throws Exception {
    try (ImageFetcher fetcher = fetcher(config)) {
      for (int i = 0; i < 3; i++) {
        assertInstanceOf(FetchResult.Fetched.class, fetcher.fetch(server.url("/good.png")));
      }
    }

    assertEquals(3, server.requests("/good.png"));
    assertEquals(1, server.connections());
  }

  @Test
  void notFoundFailsAtOnceWithTheStatus() throws Exception {
    FetchResult.Failed failed = failed(fetch("/missing"), FetchReason.HTTP_STATUS);

    assertTrue(failed.detail().contains("HTTP 404"), failed.detail());
    assertEquals(1, server.requests("/missing"));
    assertEquals(List.of(), sleeps);
  }

  @Test
  void serverErrorIsRetriedAndTheSecondAttemptSucceeds() throws Exception {
    FetchResult.Fetched fetched = assertInstanceOf(FetchResult.Fetched.class, fetch("/flaky"));

    assertArrayEquals(LoopbackImageServer.PNG, fetched.body());
    assertEquals(2, server.requests("/flaky"));
    assertEquals(List.of(10L), sleeps);
  }

  @Test
  void alwaysUnavailableGivesUpAfterMaxAttemptsWithDoublingBackoff() throws Exception {
    FetchResult.Failed failed = failed(fetch("/unavailable"), FetchReason.HTTP_STATUS);

    assertTrue(failed.detail().contains("HTTP 503"), failed.detail());
    assertTrue(failed.detail().contains("gave up after 3 attempts"), failed.detail());
    assertEquals(3, server.requests("/unavailable"));
    assertEquals(List.of(10L, 20L), sleeps);
  }

  @Test
  void retryAfterSecondsLengthensTheWait() throws Exception {
    assertInstanceOf(FetchResult.Fetched.class, fetch("/busy"));

    assertEquals(2, server.requests("/busy"));
    assertEquals(List.of(2000L), sleeps);
  }

  @Test
  void retryAfterIsParsedAsSecondsAndCapped() {
    assertEquals(0, ImageFetcher.retryAfterMillis(null));
    assertEquals(0, ImageFetcher.retryAfterMillis("Wed, 21 Oct 2015 07:28:00 GMT"));
    assertEquals(5000, ImageFetcher.retryAfterMillis(" 5 "));
    assertEquals(ImageFetcher.MAX_WAIT_MILLIS, ImageFetcher.retryAfterMillis("86400"));
  }

  @Test
  void backoffDoublesUpToTheLongestWait() throws Exception {
    SourceConfig patient =
        config.toBuilder().httpMaxAttempts(6).httpInitialBackoffMillis(10_000).build();

    failed(fetcher(patient).fetch(server.url("/unavailable")), FetchReason.HTTP_STATUS);

    assertEquals(List.of(10_000L, 20_000L, 40_000L, 60_000L, 60_000L), sleeps);
    assertEquals(6, server.requests("/unavailable"));
  }

  @Test
  void negativeBackoffIsRejected() {
    SourceConfig negative = config.toBuilder().httpInitialBackoffMillis(-1).build();

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ImageFetcher(negative));
    assertTrue(e.getMessage().contains("got -1"), e.getMessage());
  }

  @Test
  void slowServerTimesOutOnEveryAttempt() throws Exception {
    FetchResult.Failed failed =
        failed(
            fetcher(config.toBuilder().httpMaxAttempts(2).build()).fetch(server.url("/slow")),
            FetchReason.TIMEOUT);

    assertTrue(failed.detail().contains("gave up after 2 attempts"), failed.detail());
    assertEquals(2, server.requests("/slow"));
    assertEquals(List.of(10L), sleeps);
  }

  @Test
  void htmlIsNotAnImage() throws Exception {
    FetchResult.Failed failed = failed(fetch("/page.html"), FetchReason.BAD_CONTENT_TYPE);

    assertTrue(failed.detail().contains("text/html"), failed.detail());
  }

  @Test
  void oversizeBodyIsRefusedFromContentLengthBeforeReading() throws Exception {
    FetchResult.Failed failed = failed(fetch("/huge-declared"), FetchReason.TOO_LARGE);

    assertTrue(failed.detail().contains("Content-Length " + LoopbackImageServer.OVERSIZE_BYTES));
  }

  @Test
  void oversizeBodyWithoutContentLengthIsCutOffWhileStreaming() throws Exception {
    FetchResult.Failed failed = failed(fetch("/huge-streamed"), FetchReason.TOO_LARGE);

    assertTrue(failed.detail().contains("while streaming"), failed.detail());
  }

  @Test
  void readAtMostStopsOneBytePastTheCap() throws IOException {
    CountingStream exact = new CountingStream(1000);
    CountingStream over = new CountingStream(100_000);

    assertEquals(1000, ImageFetcher.readAtMost(exact, 1000).orElseThrow().length);
    assertTrue(ImageFetcher.readAtMost(over, 1000).isEmpty());
    assertEquals(1001, over.served);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/noai", "/otherbot-noimageai"})
  void aiOptOutInXRobotsTagIsRespected(String path) throws Exception {
    failed(fetch(path), FetchReason.OPTED_OUT);
  }

  @Test
  void otherRobotsDirectivesDoNotOptOut() throws Exception {
    assertInstanceOf(FetchResult.Fetched.class, fetch("/robots-harmless"));
  }

  @Test
  void followsARedirectToAnImage() throws Exception {
    FetchResult.Fetched fetched =
        assertInstanceOf(FetchResult.Fetched.class, fetch("/redirect-to-good"));

    assertArrayEquals(LoopbackImageServer.PNG, fetched.body());
    assertEquals(URI.create(server.url("/good.png")), fetched.finalUrl());
  }

  @Test
  void followsFiveRedirectsButNotSix() throws Exception {
    assertInstanceOf(FetchResult.Fetched.class, fetch("/chain/4"));
    server.resetCounts();

    failed(fetch("/chain/5"), FetchReason.TOO_MANY_REDIRECTS);
    assertEquals(6, server.totalRequests());
    assertEquals(0, server.requests("/good.png"));
  }

  @Test
  void redirectLoopIsDetected() throws Exception {
    FetchResult.Failed failed = failed(fetch("/loop-a"), FetchReason.TOO_MANY_REDIRECTS);

    assertTrue(failed.detail().contains("loop"), failed.detail());
    assertEquals(2, server.totalRequests());
  }

  @Test
  void redirectWithoutLocationIsRejected() throws Exception {
    failed(fetch("/redirect-without-location"), FetchReason.BAD_REDIRECT);
  }

  @Test
  void redirectToAnotherSchemeIsRefused() throws Exception {
    failed(fetch("/redirect-to-ftp"), FetchReason.UNSUPPORTED_SCHEME);
  }

  @Test
  void connectionRefusedFailsWithoutRetrying() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = probe.getLocalPort();
    }
    failed(
        fetcher(config).fetch("http://127.0.0.1:" + closedPort + "/x.png"),
        FetchReason.FETCH_FAILED);

    assertEquals(List.of(), sleeps);
  }

  @Test
  void connectionResetIsRetried() throws Exception {
    try (ServerSocket resetting = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Thread acceptor = new Thread(() -> resetEveryConnection(resetting));
      acceptor.setDaemon(true);
      acceptor.start();

      FetchResult.Failed failed =
          failed(
              fetcher(config).fetch("http://127.0.0.1:" + resetting.getLocalPort() + "/x.png"),
              FetchReason.FETCH_FAILED);

      assertTrue(failed.detail().contains("gave up after 3 attempts"), failed.detail());
      assertEquals(List.of(10L, 20L), sleeps);
    }
  }

  /** Reads each request's headers, then closes with SO_LINGER 0, which sends a TCP reset. */
  private static void resetEveryConnection(ServerSocket serverSocket) {
    while (!serverSocket.isClosed()) {
      try (Socket socket = serverSocket.accept()) {
        InputStream in = socket.getInputStream();
        String seen = "";
        while (!seen.endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            break;
          }
          seen += new String(new byte[] {(byte) b}, StandardCharsets.ISO_8859_1);
        }
        socket.setSoLinger(true, 0);
      } catch (IOException e) {
        // accept() throws once the test closes the server socket: that ends the loop.
        return;
      }
    }
  }

  /** A stream of {@code length} zero bytes that counts the bytes it hands out. */
  private static final class CountingStream extends InputStream {
    private final long length;
    long served;

    CountingStream(long length) {
      this.length = length;
    }

    @Override
    public int read() {
      if (served >= length) {
        return -1;
      }
      served++;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (served >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - served);
      served += n;
      return n;
    }
  }
}
