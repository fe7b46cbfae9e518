package org.dalle.pipelines.sources.http;

import java.net.InetAddress;
import java.util.List;
import okhttp3.Dns;

/**
 * The HTTP client's name lookup: one lookup through the {@link AddressPolicy}, whose approved
 * addresses are the only ones the client may connect to. Checking a name and then letting the
 * client resolve it again would leave a DNS-rebinding window: a hostile name server could answer a
 * public address to the check and an internal one to the connection. Here the check and the
 * connection use the same answer.
 *
 * <p>Some OkHttp versions do not call a {@link Dns} for IP literals; the fetcher checks those
 * through the same policy before the request, and a literal cannot resolve differently twice.
 */
final class PolicyCheckedDns implements Dns {

  private final AddressPolicy policy;

  PolicyCheckedDns(AddressPolicy policy) {
    this.policy = policy;
  }

  @Override
  public List<InetAddress> lookup(String hostname) throws RefusedHostException {
    return policy.approvedAddresses(hostname);
  }
}
