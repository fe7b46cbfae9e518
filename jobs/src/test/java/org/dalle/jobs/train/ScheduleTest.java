package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScheduleTest {

  @Test
  void cosineDecaysTheLearningRate() {
    Schedule lr = Schedule.cosine(1e-4, 1.25e-6, 1000);
    assertEquals(1e-4, lr.valueAt(0), 1e-18);
    assertEquals((1e-4 + 1.25e-6) / 2, lr.valueAt(500), 1e-18);
    // a quarter of the way: cos(π/4) = √2/2
    assertEquals(1.25e-6 + (1e-4 - 1.25e-6) * (1 + Math.sqrt(0.5)) / 2, lr.valueAt(250), 1e-18);
    assertEquals(1.25e-6, lr.valueAt(1000), 0);
    assertEquals(1.25e-6, lr.valueAt(5000), 0);
  }

  @Test
  void cosineRaisesTheKlWeight() {
    Schedule beta = Schedule.cosine(0, 6.6, 5000);
    assertEquals(0, beta.valueAt(0), 0);
    assertEquals(3.3, beta.valueAt(2500), 1e-12);
    assertEquals(6.6, beta.valueAt(5000), 0);
    assertEquals(6.6, beta.valueAt(9000), 0);
  }

  @Test
  void cosineAnnealsTheTemperature() {
    Schedule tau = Schedule.cosine(1, 1.0 / 16, 150_000);
    assertEquals(1, tau.valueAt(0), 0);
    assertEquals((1 + 1.0 / 16) / 2, tau.valueAt(75_000), 1e-12);
    assertEquals(1.0 / 16, tau.valueAt(150_000), 0);
  }

  @Test
  void linearWarmupReachesThePeakAndStays() {
    Schedule lr = Schedule.linearWarmup(4.5e-4, 5000);
    assertEquals(4.5e-4 / 5000, lr.valueAt(0), 1e-18);
    assertEquals(4.5e-4 / 2, lr.valueAt(2499), 1e-18);
    assertEquals(4.5e-4, lr.valueAt(4999), 0);
    assertEquals(4.5e-4, lr.valueAt(100_000), 0);
  }

  @Test
  void warmupThenCosineDecay() {
    Schedule lr = Schedule.warmupCosine(1e-3, 1e-5, 10, 110);
    assertEquals(1e-4, lr.valueAt(0), 1e-18);
    assertEquals(1e-3, lr.valueAt(9), 0);
    assertEquals(1e-3, lr.valueAt(10), 0);
    assertEquals((1e-3 + 1e-5) / 2, lr.valueAt(60), 1e-15);
    assertEquals(1e-5, lr.valueAt(110), 0);
    assertEquals(1e-3, Schedule.warmupCosine(1e-3, 0, 0, 5).valueAt(0), 0);
    IllegalArgumentException warmup =
        assertThrows(IllegalArgumentException.class, () -> Schedule.warmupCosine(1, 0, 5, 5));
    assertEquals("warm-up of 5 steps must be in [0, 5)", warmup.getMessage());
  }

  @Test
  void rejectsBadArguments() {
    IllegalArgumentException length =
        assertThrows(IllegalArgumentException.class, () -> Schedule.cosine(1, 0, 0));
    assertEquals("schedule length must be at least 1 step, got 0", length.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Schedule.cosine(Double.NaN, 0, 10));
    IllegalArgumentException step =
        assertThrows(
            IllegalArgumentException.class, () -> Schedule.linearWarmup(1, 10).valueAt(-1));
    assertEquals("step must be >= 0, got -1", step.getMessage());
  }
}
