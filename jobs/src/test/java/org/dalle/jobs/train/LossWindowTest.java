package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class LossWindowTest {

  @Test
  void everyThirdUpdateClosesAWindowWithItsMean() {
    LossWindow window = new LossWindow(3);
    assertTrue(window.add(1).isEmpty());
    assertTrue(window.add(2).isEmpty());
    assertEquals(OptionalDouble.of(2), window.add(3));
    assertEquals(0, window.count());
    assertTrue(window.add(10).isEmpty());
    assertTrue(window.add(10).isEmpty());
    assertEquals(OptionalDouble.of(7), window.add(1));
  }

  @Test
  void aRestoredWindowClosesWhereTheUninterruptedOneDoes() {
    LossWindow whole = new LossWindow(4);
    whole.add(0.5);
    whole.add(0.25);
    LossWindow resumed = new LossWindow(4);
    resumed.restore(whole.sum(), whole.count());
    assertTrue(resumed.add(0.125).isEmpty());
    assertEquals(OptionalDouble.of((0.5 + 0.25 + 0.125 + 1.0) / 4), resumed.add(1.0));
    whole.add(0.125);
    assertEquals(whole.add(1.0), OptionalDouble.of((0.5 + 0.25 + 0.125 + 1.0) / 4));
    assertEquals(whole.add(2.0), resumed.add(2.0));
    assertEquals(whole.sum(), resumed.sum());
    assertEquals(1, resumed.count());
  }

  @Test
  void aWindowHasAtLeastOneUpdate() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LossWindow(0));
    assertTrue(e.getMessage().contains("0 updates"), e.getMessage());
  }
}
