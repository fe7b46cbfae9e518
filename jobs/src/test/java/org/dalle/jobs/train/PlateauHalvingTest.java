package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PlateauHalvingTest {

  @Test
  void halvesAfterPatienceEvaluationsWithoutImprovement() {
    PlateauHalving plateau = new PlateauHalving(2, 5);
    assertFalse(plateau.observe(3.0)); // best 3.0
    assertFalse(plateau.observe(2.5)); // best 2.5
    assertFalse(plateau.observe(2.6)); // 1 without improvement
    assertEquals(1.0, plateau.multiplier());
    assertTrue(plateau.observe(2.5)); // 2 without (equal is no improvement): halve
    assertEquals(0.5, plateau.multiplier());
    assertFalse(plateau.observe(2.7)); // the count restarted after the halving
    assertFalse(plateau.observe(2.4)); // new best resets it
    assertFalse(plateau.observe(Double.NaN)); // NaN is no improvement
    assertTrue(plateau.observe(2.4));
    assertEquals(0.25, plateau.multiplier());
    assertEquals(new PlateauHalving.State(2.4, 0, 2), plateau.state());
  }

  @Test
  void stopsHalvingAtTheLimit() {
    PlateauHalving plateau = new PlateauHalving(1, 2);
    plateau.observe(1.0);
    assertTrue(plateau.observe(1.0));
    assertTrue(plateau.observe(1.0));
    assertFalse(plateau.observe(1.0));
    assertFalse(plateau.observe(1.0));
    assertEquals(0.25, plateau.multiplier());
  }

  @Test
  void restoredStateContinuesTheSameWay() {
    PlateauHalving first = new PlateauHalving(3, 5);
    for (double loss : new double[] {2.0, 1.5, 1.6, 1.7}) {
      first.observe(loss);
    }
    PlateauHalving resumed = new PlateauHalving(3, 5);
    resumed.restore(first.state());
    assertEquals(first.observe(1.8), resumed.observe(1.8));
    assertEquals(0.5, resumed.multiplier());
    assertEquals(first.state(), resumed.state());
  }

  @Test
  void rejectsBadSettingsAndStates() {
    assertThrows(IllegalArgumentException.class, () -> new PlateauHalving(0, 5));
    PlateauHalving plateau = new PlateauHalving(2, 5);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> plateau.restore(new PlateauHalving.State(1.0, 0, 6)));
    assertEquals("saved halvings 6 outside [0, 5]", e.getMessage());
  }
}
