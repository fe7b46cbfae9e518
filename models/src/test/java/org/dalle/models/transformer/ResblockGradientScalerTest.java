package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The scale schedule of the paper's per-resblock gradient scaling, on the CPU without DJL. */
class ResblockGradientScalerTest {

  private static final boolean[] ALL_FINITE = {true, true, true};

  @Test
  void scalesStartAtMTimes2To13AndGrowByTheThousandthRootOf2() {
    ResblockGradientScaler scaler = new ResblockGradientScaler(3, 2);
    assertArrayEquals(new double[] {16384, 16384, 16384}, scaler.scales());
    for (int i = 0; i < 1000; i++) {
      assertTrue(scaler.update(ALL_FINITE));
    }
    for (double scale : scaler.scales()) {
      assertEquals(32768, scale, 1e-6); // doubled after 1000 clean updates
    }
    assertEquals(1000, scaler.updates());
  }

  @Test
  void nonFiniteGradientSkipsTheUpdateAndLowersOnlyThatBlockOncePer125Updates() {
    ResblockGradientScaler scaler = new ResblockGradientScaler(3, 1);
    double start = 8192;
    assertFalse(scaler.update(new boolean[] {true, false, true}));
    assertArrayEquals(new double[] {start, start / Math.sqrt(2), start}, scaler.scales(), 1e-9);
    // Within 125 updates of the decrease, another overflow skips the update but holds the scale.
    for (int i = 1; i < 125; i++) {
      assertFalse(scaler.update(new boolean[] {true, false, true}));
    }
    assertArrayEquals(new double[] {start, start / Math.sqrt(2), start}, scaler.scales(), 1e-9);
    // 125 updates after the first decrease, the scale may drop again.
    assertFalse(scaler.update(new boolean[] {true, false, true}));
    assertArrayEquals(new double[] {start, start / 2, start}, scaler.scales(), 1e-9);
    // Another block is not held back by the first block's window.
    assertFalse(scaler.update(new boolean[] {false, true, true}));
    assertEquals(start / Math.sqrt(2), scaler.scales()[0], 1e-9);
    // A clean update grows every block again.
    assertTrue(scaler.update(ALL_FINITE));
    assertEquals(start * Math.pow(2, 1.0 / 1000), scaler.scales()[2], 1e-9);
  }

  @Test
  void scalesAreClampedToMTimes2To7And2To24() {
    ResblockGradientScaler scaler = new ResblockGradientScaler(1, 4);
    for (int i = 0; i < 12_000; i++) {
      scaler.update(new boolean[] {true});
    }
    assertEquals(4 * Math.pow(2, 24), scaler.scales()[0], 1e-6); // 2^13 * 2^12 would be 2^25
    ResblockGradientScaler shrinking = new ResblockGradientScaler(1, 4);
    for (int i = 0; i < 125 * 20; i++) {
      shrinking.update(new boolean[] {false}); // 20 decreases by √2 would reach 2^3
    }
    assertEquals(4 * Math.pow(2, 7), shrinking.scales()[0], 1e-6);
  }

  @Test
  void stateRoundTripsForAnExactResume() {
    ResblockGradientScaler scaler = new ResblockGradientScaler(2, 1);
    scaler.update(new boolean[] {false, true});
    scaler.update(new boolean[] {true, true});
    ResblockGradientScaler resumed = new ResblockGradientScaler(2, 1);
    resumed.importState(scaler.exportState());
    for (int i = 0; i < 130; i++) {
      boolean[] finite = {i % 3 != 0, true};
      assertEquals(scaler.update(finite), resumed.update(finite));
      assertArrayEquals(scaler.scales(), resumed.scales());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ResblockGradientScaler(3, 1).importState(scaler.exportState()));
    assertTrue(e.getMessage().contains("3 blocks"), e.getMessage());
  }
}
