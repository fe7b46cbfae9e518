package org.dalle.collective;

import java.time.Duration;
import java.util.Map;

/**
 * How long a rank waits before it gives up: on the rendezvous (every rank's helper joining the
 * process group; pods of a Job may start minutes apart) and on each collective (a rank that died or
 * hangs). A dead peer usually shows at once as a closed connection; the collective timeout bounds
 * the case of a peer that is alive but stuck.
 *
 * @param rendezvous the longest wait for all ranks to join
 * @param collective the longest wait for one collective
 */
public record CollectiveTimeouts(Duration rendezvous, Duration collective) {

  /** Environment variable: rendezvous timeout in seconds (default 600). */
  public static final String RENDEZVOUS_SECONDS = "DALLE_RENDEZVOUS_TIMEOUT_S";

  /** Environment variable: per-collective timeout in seconds (default 300). */
  public static final String COLLECTIVE_SECONDS = "DALLE_COLLECTIVE_TIMEOUT_S";

  public CollectiveTimeouts {
    if (rendezvous.isNegative() || rendezvous.isZero()) {
      throw new IllegalArgumentException("rendezvous timeout " + rendezvous + "; expected > 0");
    }
    if (collective.isNegative() || collective.isZero()) {
      throw new IllegalArgumentException("collective timeout " + collective + "; expected > 0");
    }
  }

  /** The timeouts the environment sets, each defaulting when absent. */
  public static CollectiveTimeouts fromEnvironment(Map<String, String> env) {
    return new CollectiveTimeouts(
        Duration.ofSeconds(seconds(env, RENDEZVOUS_SECONDS, 600)),
        Duration.ofSeconds(seconds(env, COLLECTIVE_SECONDS, 300)));
  }

  private static long seconds(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is '" + value + "'; expected seconds", e);
    }
  }
}
