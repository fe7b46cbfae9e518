package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchSamplerTest {

  @Test
  void anEpochVisitsEveryFullBatchOnceAndSkipsTheRemainder() {
    BatchSampler sampler = new BatchSampler(5, 10, 3, true, DataPosition.start());
    Set<Integer> seen = new HashSet<>();
    for (int b = 0; b < 3; b++) {
      for (int index : sampler.next().indices()) {
        assertTrue(seen.add(index), "index " + index + " twice in one epoch");
      }
    }
    assertEquals(new DataPosition(0, 9), sampler.position());
    sampler.next(); // one example left over: the next batch starts epoch 1
    assertEquals(new DataPosition(1, 3), sampler.position());
  }

  @Test
  void startingAtAPositionReplaysTheSameBatches() {
    BatchSampler whole = new BatchSampler(9, 20, 4, true, DataPosition.start());
    for (int i = 0; i < 7; i++) {
      whole.next();
    }
    BatchSampler resumed = new BatchSampler(9, 20, 4, true, whole.position());
    for (int i = 0; i < 10; i++) {
      BatchSampler.Batch a = whole.next();
      BatchSampler.Batch b = resumed.next();
      assertArrayEquals(a.indices(), b.indices());
      assertArrayEquals(a.flips(), b.flips());
    }
  }

  @Test
  void epochsAreShuffledDifferentlyAndFlipsCanBeOff() {
    BatchSampler sampler = new BatchSampler(1, 8, 8, false, DataPosition.start());
    int[] first = sampler.next().indices();
    BatchSampler.Batch second = sampler.next();
    assertFalse(Arrays.equals(first, second.indices()));
    assertArrayEquals(new boolean[8], second.flips());
  }

  @Test
  void randomCropsCoverEveryOffsetAndReplayOnResume() {
    BatchSampler whole = new BatchSampler(3, 200, 10, true, 5, true, DataPosition.start());
    Set<Integer> lefts = new HashSet<>();
    Set<Integer> tops = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      BatchSampler.Batch batch = whole.next();
      Arrays.stream(batch.lefts()).forEach(lefts::add);
      Arrays.stream(batch.tops()).forEach(tops::add);
    }
    assertEquals(Set.of(0, 1, 2, 3, 4), lefts);
    assertEquals(Set.of(0, 1, 2, 3, 4), tops);
    BatchSampler resumed = new BatchSampler(3, 200, 10, true, 5, true, whole.position());
    for (int i = 0; i < 30; i++) {
      BatchSampler.Batch a = whole.next();
      BatchSampler.Batch b = resumed.next();
      assertArrayEquals(a.lefts(), b.lefts());
      assertArrayEquals(a.tops(), b.tops());
    }
  }

  @Test
  void withoutRandomCropsEveryWindowIsTheCentreAndOrderAndFlipsStayTheSame() {
    BatchSampler plain = new BatchSampler(4, 12, 4, true, DataPosition.start());
    BatchSampler centred = new BatchSampler(4, 12, 4, true, 5, false, DataPosition.start());
    BatchSampler cropped = new BatchSampler(4, 12, 4, true, 5, true, DataPosition.start());
    for (int i = 0; i < 6; i++) {
      BatchSampler.Batch a = plain.next();
      BatchSampler.Batch b = centred.next();
      BatchSampler.Batch c = cropped.next();
      assertArrayEquals(new int[] {2, 2, 2, 2}, b.lefts());
      assertArrayEquals(new int[] {2, 2, 2, 2}, b.tops());
      assertArrayEquals(new int[] {0, 0, 0, 0}, a.lefts());
      assertArrayEquals(a.indices(), c.indices());
      assertArrayEquals(a.flips(), c.flips());
    }
  }

  @Test
  void ranksShareEachBatchInContiguousEqualParts() {
    BatchSampler.Batch batch =
        new BatchSampler(3, 20, 6, true, 4, true, DataPosition.start()).next();
    BatchSampler.Batch first = batch.shard(0, 2);
    BatchSampler.Batch second = batch.shard(1, 2);
    assertArrayEquals(Arrays.copyOfRange(batch.indices(), 0, 3), first.indices());
    assertArrayEquals(Arrays.copyOfRange(batch.indices(), 3, 6), second.indices());
    assertArrayEquals(Arrays.copyOfRange(batch.flips(), 3, 6), second.flips());
    assertArrayEquals(Arrays.copyOfRange(batch.lefts(), 3, 6), second.lefts());
    assertArrayEquals(Arrays.copyOfRange(batch.tops(), 3, 6), second.tops());
    assertEquals(batch, batch.shard(0, 1));
    IllegalArgumentException uneven =
        assertThrows(IllegalArgumentException.class, () -> batch.shard(0, 4));
    assertTrue(uneven.getMessage().contains("batch_size 6"), uneven.getMessage());
  }
}
