package org.dalle.pipelines.sources.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides whether a URL may be fetched, so that a URL list cannot make the pipeline reach internal
 * services (server-side request forgery). Only http and https are allowed, and the host must not
 * resolve to any internal address: loopback (127/8, ::1), link-local (169.254/16 including the
 * cloud metadata service 169.254.169.254, fe80::/10), private (10/8, 172.16/12, 192.168/16,
 * fc00::/7, fec0::/10), unspecified (0/8, ::), multicast, broadcast, carrier-grade NAT (100.64/10),
 * nor an IPv6 form that embeds one of these IPv4 addresses (IPv4-mapped ::ffff:a.b.c.d,
 * IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d). A host is refused when ANY of its addresses
 * is internal, because the connection may use any of them.
 *
 * <p>With {@code allowPrivateAddresses} set (an on-prem mirror) only the scheme is checked.
 */
public final class AddressPolicy {
  private static final byte[] NAT64_PREFIX = {0, 0x64, (byte) 0xff, (byte) 0x9b};

  private final boolean allowPrivateAddresses;
  private final HostResolver resolver;
  private final Function<InetAddress, Optional<String>> categories;

  public AddressPolicy(boolean allowPrivateAddresses, HostResolver resolver) {
    this(allowPrivateAddresses, resolver, AddressPolicy::internalCategory);
  }

  /**
   * A policy that names internal ranges with {@code categories} instead of {@link
   * #internalCategory}: tests let a loopback server stand in for a public one, since the connection
   * goes to exactly the address the policy approved.
   */
  AddressPolicy(
      boolean allowPrivateAddresses,
      HostResolver resolver,
      Function<InetAddress, Optional<String>> categories) {
    if (resolver == null) {
      throw new IllegalArgumentException("resolver must not be null; use HostResolver.SYSTEM");
    }
    this.allowPrivateAddresses = allowPrivateAddresses;
    this.resolver = resolver;
    this.categories = categories;
  }

  /** A policy that resolves hosts with the JVM's resolver. */
  public static AddressPolicy withSystemResolver(boolean allowPrivateAddresses) {
    return new AddressPolicy(allowPrivateAddresses, HostResolver.SYSTEM);
  }

  /**
   * Returns the reason {@code url} must not be fetched ({@link FetchReason#BAD_URL}, {@link
   * FetchReason#UNSUPPORTED_SCHEME}, {@link FetchReason#DNS_FAILURE} or {@link
   * FetchReason#BLOCKED_ADDRESS}), or empty when it may be: {@link #checkUrl} then {@link
   * #approvedAddresses}, which is skipped with {@code allowPrivateAddresses}.
   */
  public Optional<FetchResult.Failed> check(URI url) {
    Optional<FetchResult.Failed> refusal = checkUrl(url);
    if (refusal.isPresent() || allowPrivateAddresses) {
      return refusal;
    }
    try {
      approvedAddresses(url.getHost());
      return Optional.empty();
    } catch (RefusedHostException e) {
      return Optional.of(e.refusal());
    }
  }

  /**
   * The part of the policy that needs no name lookup: the scheme is http or https and there is a
   * host ({@link FetchReason#UNSUPPORTED_SCHEME} or {@link FetchReason#BAD_URL} otherwise).
   */
  public Optional<FetchResult.Failed> checkUrl(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return refuse(
          FetchReason.UNSUPPORTED_SCHEME,
          "scheme '" + scheme + "' of " + url + " is not supported; expected http or https");
    }
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      return refuse(
          FetchReason.BAD_URL, "URL " + url + " has no host; expected http(s)://HOST/...");
    }
    return Optional.empty();
  }

  /**
   * Resolves {@code host} once and returns its addresses when every one of them may be connected
   * to. A connection must go to one of exactly these addresses: looking the name up again could
   * give another answer (DNS rebinding), which is why {@link PolicyCheckedDns} hands this list to
   * the HTTP client instead of letting it resolve the name itself. With {@code
   * allowPrivateAddresses} every address is approved.
   *
   * @param host a name or an IP literal, with or without the brackets of an IPv6 literal
   * @throws RefusedHostException carrying a {@link FetchReason#DNS_FAILURE} or {@link
   *     FetchReason#BLOCKED_ADDRESS} refusal
   */
  public List<InetAddress> approvedAddresses(String host) throws RefusedHostException {
    // URI keeps the brackets of an IPv6 literal host; the resolver wants the bare address.
    String bareHost =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(bareHost);
    } catch (UnknownHostException e) {
      throw new RefusedHostException(
          FetchReason.DNS_FAILURE, "host '" + bareHost + "' does not resolve: " + e);
    }
    if (addresses.isEmpty()) {
      throw new RefusedHostException(
          FetchReason.DNS_FAILURE, "host '" + bareHost + "' resolves to no address");
    }
    if (allowPrivateAddresses) {
      return List.copyOf(addresses);
    }
    for (InetAddress address : addresses) {
      Optional<String> category = categories.apply(address);
      if (category.isPresent()) {
        throw new RefusedHostException(
            FetchReason.BLOCKED_ADDRESS,
            "host '"
                + bareHost
                + "' resolves to "
                + address.getHostAddress()
                + " ("
                + category.get()
                + "); only public addresses are fetched unless allowPrivateAddresses is set");
      }
    }
    return List.copyOf(addresses);
  }

  /**
   * Names the internal range {@code address} belongs to (e.g. "loopback", "private"), or empty when
   * it is a public unicast address.
   */
  public static Optional<String> internalCategory(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] bytes = address.getAddress();
      Optional<Inet4Address> embedded = embeddedIpv4(bytes);
      if (embedded.isPresent()) {
        return internalCategory(embedded.get()).map(c -> c + ", embedded in IPv6");
      }
      if ((bytes[0] & 0xfe) == 0xfc) {
        return Optional.of("unique-local");
      }
    }
    if (address.isAnyLocalAddress()) {
      return Optional.of("unspecified");
    }
    if (address.isLoopbackAddress()) {
      return Optional.of("loopback");
    }
    if (address.isLinkLocalAddress()) {
      return Optional.of("link-local");
    }
    if (address.isSiteLocalAddress()) {
      return Optional.of("private");
    }
    if (address.isMulticastAddress()) {
      return Optional.of("multicast");
    }
    if (address instanceof Inet4Address) {
      byte[] b = address.getAddress();
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      if (first == 0) {
        // Linux routes 0.0.0.0 (and treats the rest of 0/8 as "this network") to the local host.
        return Optional.of("unspecified");
      }
      if (first == 100 && (second & 0xc0) == 64) {
        return Optional.of("carrier-grade NAT");
      }
      if (Arrays.equals(b, new byte[] {-1, -1, -1, -1})) {
        return Optional.of("broadcast");
      }
    }
    return Optional.empty();
  }

  /**
   * The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, but not ::
   * or ::1) or NAT64 (64:ff9b::a.b.c.d) IPv6 address.
   */
  private static Optional<Inet4Address> embeddedIpv4(byte[] v6) {
    boolean firstTenZero = true;
    for (int i = 0; i < 10; i++) {
      firstTenZero &= v6[i] == 0;
    }
    boolean mapped = firstTenZero && v6[10] == (byte) 0xff && v6[11] == (byte) 0xff;
    boolean compatible = firstTenZero && v6[10] == 0 && v6[11] == 0 && isCompatibleTail(v6);
    boolean nat64 = Arrays.equals(Arrays.copyOf(v6, 4), NAT64_PREFIX) && zeroFrom(v6, 4, 12);
    if (!mapped && !compatible && !nat64) {
      return Optional.empty();
    }
    try {
      return Optional.of((Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(v6, 12, 16)));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are always a valid IPv4 address", e);
    }
  }

  /** :: and ::1 are the IPv6 unspecified and loopback addresses, not IPv4-compatible forms. */
  private static boolean isCompatibleTail(byte[] v6) {
    return !(v6[12] == 0 && v6[13] == 0 && v6[14] == 0 && (v6[15] == 0 || v6[15] == 1));
  }

  private static boolean zeroFrom(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static Optional<FetchResult.Failed> refuse(String reason, String detail) {
    return Optional.of(new FetchResult.Failed(reason, detail));
  }
}
