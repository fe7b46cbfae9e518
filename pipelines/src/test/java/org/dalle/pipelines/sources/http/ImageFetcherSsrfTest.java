package org.dalle.pipelines.sources.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
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
   * A policy under which the loopback server at 127.0.0.1 stands in for a public web server; every
   * other address keeps its real category, and {@code localhost} resolves to ::1.
   */
  private static AddressPolicy loopbackServerIsPublic() {
    HostResolver resolver =
        host -> List.of(InetAddress.getByName(host.equals("localhost") ? "::1" : host));
    return new AddressPolicy(
        false,
        resolver,
        address ->
            address.getHostAddress().equals("127.0.0.1")
                ? Optional.empty()
                : AddressPolicy.internalCategory(address));
  }

  /**
   * The redirect a public host answers with must be checked, and refused, before it is followed.
   */
  @Test
  void redirectFromAPublicHostToTheMetadataServiceIsRefused() throws Exception {
    ImageFetcher fetcher = new ImageFetcher(defaults, loopbackServerIsPublic(), sleeps::add);

    FetchResult result = fetcher.fetch(server.url("/redirect-to-metadata"));

    FetchResult.Failed failed = assertInstanceOf(FetchResult.Failed.class, result);
    assertEquals(FetchReason.BLOCKED_ADDRESS, failed.reason(), failed.detail());
    assertTrue(failed.detail().contains("169.254.169.254 (link-local)"), failed.detail());
    assertEquals(1, server.totalRequests());
  }

  @Test
  void redirectFromAPublicHostBackToLoopbackIsRefused() throws Exception {
    ImageFetcher fetcher = new ImageFetcher(defaults, loopbackServerIsPublic(), sleeps::add);

    FetchResult result = fetcher.fetch(server.url("/redirect-to-localhost"));

    FetchResult.Failed failed = assertInstanceOf(FetchResult.Failed.class, result);
    assertEquals(FetchReason.BLOCKED_ADDRESS, failed.reason(), failed.detail());
    assertTrue(failed.detail().contains("'localhost'"), failed.detail());
    assertEquals(1, server.totalRequests());
    assertEquals(0, server.requests("/good.png"));
  }

  @Test
  void relativeRedirectOnAnAllowedHostIsFollowed() throws Exception {
    ImageFetcher fetcher = new ImageFetcher(defaults, loopbackServerIsPublic(), sleeps::add);

    assertInstanceOf(FetchResult.Fetched.class, fetcher.fetch(server.url("/redirect-to-good")));
    assertEquals(1, server.requests("/good.png"));
  }

  /**
   * DNS rebinding: the name server answers a public address to the first lookup and loopback to any
   * later one, as the system resolver does for {@code localhost}. The fetcher must connect to the
   * address the policy checked, so the loopback server never sees a request.
   */
  @Test
  void aNameThatRebindsAfterTheCheckIsNeverFetchedFromItsSecondAnswer() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    HostResolver rebinding =
        host ->
            List.of(
                InetAddress.getByName(
                    lookups.incrementAndGet() == 1 ? "203.0.113.7" : "127.0.0.1"));
    SourceConfig once =
        defaults.toBuilder().httpMaxAttempts(1).httpConnectTimeoutMillis(300).build();
    ImageFetcher fetcher = new ImageFetcher(once, new AddressPolicy(false, rebinding), sleeps::add);

    FetchResult result = fetcher.fetch("http://localhost:" + server.port() + "/good.png");

    FetchResult.Failed failed = assertInstanceOf(FetchResult.Failed.class, result);
    assertTrue(failed.detail().contains("203.0.113.7"), failed.detail());
    assertEquals(0, server.totalRequests());
    assertEquals(1, lookups.get());
  }

  /** The other side of the same rule: the connection goes to the address the one lookup gave. */
  @Test
  void theConnectionGoesToTheAddressOfTheOneLookup() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    HostResolver rebinding =
        host ->
            List.of(
                InetAddress.getByName(
                    lookups.incrementAndGet() == 1 ? "127.0.0.1" : "203.0.113.7"));
    SourceConfig mirror = defaults.toBuilder().allowPrivateAddresses(true).build();
    ImageFetcher fetcher =
        new ImageFetcher(mirror, new AddressPolicy(true, rebinding), sleeps::add);

    FetchResult result = fetcher.fetch("http://mirror.example:" + server.port() + "/good.png");

    assertInstanceOf(FetchResult.Fetched.class, result);
    assertEquals(1, server.requests("/good.png"));
    assertEquals(1, lookups.get());
  }
}
