package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StopSignalTest {

  @Test
  void requestIsSeenOnceAndKeepsTheFirstReason() throws InterruptedException {
    StopSignal stop = StopSignal.manual();
    assertFalse(stop.isRequested());
    assertEquals(Optional.empty(), stop.reason());
    assertEquals(0, stop.exitCode());
    assertFalse(stop.await(1, TimeUnit.MILLISECONDS));

    stop.request("budget", 3);
    stop.request("SIGTERM", 143);
    assertTrue(stop.isRequested());
    assertTrue(stop.await(0, TimeUnit.MILLISECONDS));
    assertEquals(Optional.of("budget"), stop.reason());
    assertEquals(3, stop.exitCode());
  }

  @Test
  void firstSignalRequestsAStopAndTheSecondEscalates() {
    StopSignal stop = StopSignal.manual();
    AtomicInteger escalations = new AtomicInteger();
    stop.onSignal("SIGINT", 130, escalations::incrementAndGet);
    assertTrue(stop.isRequested());
    assertEquals(Optional.of("SIGINT"), stop.reason());
    assertEquals(130, stop.exitCode());
    assertEquals(0, escalations.get());

    stop.onSignal("SIGINT", 130, escalations::incrementAndGet);
    assertEquals(1, escalations.get());
  }

  @Test
  void installedHandlersCanBeRemoved() {
    try (StopSignal stop = StopSignal.install()) {
      assertFalse(stop.isRequested());
    }
    // Installing again after close works, which it would not if handlers were left half-set.
    try (StopSignal again = StopSignal.install()) {
      assertFalse(again.isRequested());
    }
  }
}
