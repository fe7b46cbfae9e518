package org.dalle.jobs.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LocalRanksTest {

  @Test
  void ranksRunTheSameCommandWithoutNprocAndWithAShareOfTheCores() {
    assertEquals(
        List.of("train-dvae", "--config", "c.yaml", "--threads", "4"),
        LocalRanks.rankArguments(
            List.of("train-dvae", "--nproc", "2", "--config", "c.yaml"), 2, 8));
    assertEquals(
        List.of("train-dvae", "--threads", "1"),
        LocalRanks.rankArguments(List.of("train-dvae", "--nproc=4"), 4, 2));
  }

  @Test
  void givenThreadsAreKept() {
    assertEquals(
        List.of("train-clip", "--threads=3"),
        LocalRanks.rankArguments(List.of("train-clip", "--threads=3", "--nproc", "2"), 2, 8));
  }
}
