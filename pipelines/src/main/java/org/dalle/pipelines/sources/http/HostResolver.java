package org.dalle.pipelines.sources.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Resolves a host name to all of its addresses; injectable so tests need no real DNS. */
@FunctionalInterface
public interface HostResolver {

  /** The JVM's resolver ({@link InetAddress#getAllByName}). */
  HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /**
   * Returns every address of {@code host} (a name or an IP literal); never an empty list.
   *
   * @throws UnknownHostException when the host does not resolve
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
