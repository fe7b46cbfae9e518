package org.dalle.pipelines.sources.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** No real DNS: IP literals parse locally and names come from a fixed table. */
class AddressPolicyTest {
  private static final Map<String, List<String>> DNS =
      Map.of(
          "example.com", List.of("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"),
          "mixed.example", List.of("93.184.216.34", "10.0.0.1"),
          "metadata.google.internal", List.of("169.254.169.254"));

  private static final HostResolver TABLE =
      host -> {
        List<String> answers = DNS.get(host);
        if (answers == null) {
          // getByName on an IP literal parses it without any lookup.
          if (!host.matches("[0-9a-fA-F:.]+")) {
            throw new UnknownHostException(host + ": not in the test table");
          }
          return List.of(InetAddress.getByName(host));
        }
        return answers.stream().map(AddressPolicyTest::literal).toList();
      };

  private final AddressPolicy policy = new AddressPolicy(false, TABLE);

  private static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }

  private static String hostPart(String address) {
    return address.contains(":") ? "[" + address + "]" : address;
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, loopback",
    "127.8.9.10, loopback",
    "::1, loopback",
    "169.254.169.254, link-local",
    "fe80::1, link-local",
    "10.0.0.1, private",
    "172.16.5.4, private",
    "172.31.255.255, private",
    "192.168.1.1, private",
    "100.64.0.1, carrier-grade NAT",
    "100.127.255.255, carrier-grade NAT",
    "fd00::1, unique-local",
    "fc00::1, unique-local",
    "0.0.0.0, unspecified",
    "0.1.2.3, unspecified",
    "::, unspecified",
    "224.0.0.1, multicast",
    "ff02::1, multicast",
    "255.255.255.255, broadcast",
    "::ffff:127.0.0.1, loopback",
    "::ffff:169.254.169.254, link-local",
    "::ffff:10.1.2.3, private",
    "::10.1.2.3, 'private, embedded in IPv6'",
    "64:ff9b::a9fe:a9fe, 'link-local, embedded in IPv6'",
  })
  void internalAddressesAreBlocked(String address, String category) {
    Optional<FetchResult.Failed> refusal =
        policy.check(URI.create("http://" + hostPart(address) + ":8080/x.png"));

    assertEquals(FetchReason.BLOCKED_ADDRESS, refusal.orElseThrow().reason());
    assertTrue(refusal.get().detail().contains("(" + category + ")"), refusal.get().detail());
  }

  @ParameterizedTest
  @CsvSource({
    "93.184.216.34",
    "8.8.8.8",
    "172.32.0.1",
    "100.128.0.1",
    "2606:2800:220:1:248:1893:25c8:1946",
    "64:ff9b::808:808"
  })
  void publicAddressesAreAllowed(String address) {
    assertEquals(Optional.empty(), policy.check(URI.create("https://" + hostPart(address) + "/")));
  }

  @Test
  void namesAreCheckedByWhatTheyResolveTo() {
    assertEquals(Optional.empty(), policy.check(URI.create("https://example.com/cat.jpg")));
    assertEquals(
        FetchReason.BLOCKED_ADDRESS,
        policy.check(URI.create("http://metadata.google.internal/")).orElseThrow().reason());
  }

  @Test
  void oneInternalAddressAmongPublicOnesBlocksTheHost() {
    FetchResult.Failed refusal =
        policy.check(URI.create("http://mixed.example/a.png")).orElseThrow();

    assertEquals(FetchReason.BLOCKED_ADDRESS, refusal.reason());
    assertTrue(refusal.detail().contains("10.0.0.1"), refusal.detail());
  }

  /** A resolver may hand back the raw 16-byte mapped form rather than Java's IPv4 conversion. */
  @Test
  void rawIpv4MappedAddressesFromAResolverAreBlocked() throws UnknownHostException {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = (byte) 192;
    mapped[13] = (byte) 168;
    mapped[14] = 0;
    mapped[15] = 1;
    InetAddress raw = Inet6Address.getByAddress("rebind.example", mapped, -1);
    AddressPolicy rebinding = new AddressPolicy(false, host -> List.of(raw));

    FetchResult.Failed refusal =
        rebinding.check(URI.create("http://rebind.example/")).orElseThrow();

    assertEquals(FetchReason.BLOCKED_ADDRESS, refusal.reason());
    assertTrue(refusal.detail().contains("(private"), refusal.detail());
  }

  @ParameterizedTest
  @CsvSource({"ftp://example.com/cat.jpg", "file:///etc/passwd", "gopher://example.com/"})
  void onlyHttpAndHttpsAreSupported(String url) {
    assertEquals(
        FetchReason.UNSUPPORTED_SCHEME, policy.check(URI.create(url)).orElseThrow().reason());
  }

  @Test
  void unknownHostIsADnsFailure() {
    assertEquals(
        FetchReason.DNS_FAILURE,
        policy.check(URI.create("http://no-such-host.invalid/")).orElseThrow().reason());
  }

  @Test
  void urlWithoutHostIsBad() {
    assertEquals(
        FetchReason.BAD_URL, policy.check(URI.create("http:///x.png")).orElseThrow().reason());
  }

  @Test
  void allowPrivateAddressesSkipsResolutionButNotTheSchemeCheck() {
    AddressPolicy mirror =
        new AddressPolicy(
            true,
            host -> {
              throw new AssertionError("resolver must not be called, got " + host);
            });

    assertEquals(Optional.empty(), mirror.check(URI.create("http://127.0.0.1:8080/a.png")));
    assertEquals(Optional.empty(), mirror.check(URI.create("http://10.0.0.1/a.png")));
    assertEquals(
        FetchReason.UNSUPPORTED_SCHEME,
        mirror.check(URI.create("file:///etc/passwd")).orElseThrow().reason());
  }
}
