package org.dalle.pipelines.sources.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.dalle.pipelines.sources.SourceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With the default configuration the fetcher must not reach internal services: the loopback test
 * server is refused before any request is sent, and so is a redirect into internal addresses.
 */
class ImageFetcherSsrfTest {
  private static LoopbackImageServer server;

  private final List<Long> sleeps = new ArrayList<>();
  private final SourceConfig defaults =
      SourceConfig.builder().httpConnectTimeoutMillis(500).httpReadTimeoutMillis(300).build();

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

  @Test
  void defaultsForbidPrivateAddresses() {
    assertEquals(false, defaults.allowPrivateAddresses());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/good.png",
        "/good.jpg",
        "/missing",
        "/flaky",
        "/unavailable",
        "/slow",
        "/huge-streamed",
        "/noai",
        "/redirect-to-good",
        "/loop-a"
      })
  void loopbackUrlsAreRefusedWithoutAnyRequest(String path) throws Exception {
    FetchResult result = new ImageFetcher(defaults).fetch(server.url(path));

    FetchResult.Failed failed = assertInstanceOf(FetchResult.Failed.class, result);
    assertEquals(FetchReason.BLOCKED_ADDRESS, failed.reason(), failed.detail());
    assertTrue(failed.detail().contains("127.0.0.1 (loopback)"), failed.detail());
    assertEquals(0, server.totalRequests());
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "[::ffff:127.0.0.1]", "[::1]", "0.0.0.0"})
  void otherSpellingsOfTheLocalHostAreRefused(String host) throws Exception {
    FetchResult result =
        new ImageFetcher(defaults).fetch("http://" + host + ":" + server.port() + "/good.png");

    FetchResult.Failed failed = assertInstanceOf(FetchResult.Failed.class, result);
    assertEquals(FetchReason.BLOCKED_ADDRESS, failed.reason(), failed.detail());
    assertEquals(0, server.totalRequests());
  }

  /**
   * A resolver that claims 127.0.0.1 is a public address stands in for a public web server; the
   * redirect it answers with must still be checked, and refused, before it is followed.
   */
  @Test
  void redirectFromAPublicHostToTheMetadataServiceIsRefused() throws Exception {
    HostResolver lying =
        host ->
            host.equals("127.0.0.1")
                ? List.of(InetAddress.getByName("93.184.216.34"))
                : List.of(InetAddress.getByName(host));
    ImageFetcher fetcher = new ImageFetcher(defaults, new AddressPolicy(false, lying), sleeps::add);

    FetchResult result = fetcher.fetch(server.url("/redirect-to-metadata"));

    FetchResult.Failed failed = assertInstanceOf(FetchResult.Failed.class, result);
    assertEquals(FetchReason.BLOCKED_ADDRESS, failed.reason(), failed.detail());
    assertTrue(failed.detail().contains("169.254.169.254 (link-local)"), failed.detail());
    assertEquals(1, server.totalRequests());
  }

  @Test
  void redirectFromAPublicHostBackToLoopbackIsRefused() throws Exception {
    HostResolver lying =
        host ->
            host.equals("127.0.0.1")
                ? List.of(InetAddress.getByName("93.184.216.34"))
                : List.of(InetAddress.getByName("127.0.0.1"));
    ImageFetcher fetcher = new ImageFetcher(defaults, new AddressPolicy(false, lying), sleeps::add);

    FetchResult result = fetcher.fetch(server.url("/redirect-to-localhost"));

    FetchResult.Failed failed = assertInstanceOf(FetchResult.Failed.class, result);
    assertEquals(FetchReason.BLOCKED_ADDRESS, failed.reason(), failed.detail());
    assertTrue(failed.detail().contains("'localhost'"), failed.detail());
    assertEquals(1, server.totalRequests());
    assertEquals(0, server.requests("/good.png"));
  }

  @Test
  void relativeRedirectOnAnAllowedHostIsFollowed() throws Exception {
    HostResolver lying = host -> List.of(InetAddress.getByName("93.184.216.34"));
    ImageFetcher fetcher = new ImageFetcher(defaults, new AddressPolicy(false, lying), sleeps::add);

    assertInstanceOf(FetchResult.Fetched.class, fetcher.fetch(server.url("/redirect-to-good")));
    assertEquals(1, server.requests("/good.png"));
  }
}
