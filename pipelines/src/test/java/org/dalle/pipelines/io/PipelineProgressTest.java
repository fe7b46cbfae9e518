package org.dalle.pipelines.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/** The progress line of a pipeline job: its total, rate, elapsed time and ETA, on a fake clock. */
class PipelineProgressTest {
  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(7 * SECOND);
  private final List<String> logged = new ArrayList<>();

  private PipelineProgress progress(long total) {
    return new PipelineProgress(
        "prepare", "prepare", "read", total, ProgressDisplay.lines(logged::add), clock::get);
  }

  private static Map<String, Long> counters(long read, long rejected) {
    Map<String, Long> counters = new TreeMap<>();
    counters.put("read", read);
    counters.put("processed", read - rejected);
    counters.put("rejected_decode_corrupt", rejected);
    return counters;
  }

  @Test
  void aKnownTotalGivesAShareAndTheTimeLeft() {
    // 120 records in 10 s = 12/s; 1880 left → 156.7 s
    assertEquals(
        "prepare: 120/2000 read (6.0%), 118 processed, 2 rejected_decode_corrupt | 12.0/s"
            + " | elapsed 00:00:10 | ETA 00:02:37",
        progress(2000).line(counters(120, 2), 10 * SECOND));
  }

  @Test
  void anUnknownTotalShowsTheRateAndElapsedTimeOnly() {
    assertEquals(
        "prepare: 120 read, 120 processed | 2.0/s | elapsed 00:01:00",
        progress(0).line(counters(120, 0), 60 * SECOND));
  }

  @Test
  void noEtaBeforeTheFirstRecordOrOnceTheTotalIsReached() {
    assertEquals(
        "prepare: 0/50 read (0.0%) | 0.0/s | elapsed 00:00:03",
        progress(50).line(Map.of("read", 0L), 3 * SECOND));
    assertEquals(
        "prepare: 50/50 read (100.0%), 50 processed | 10.0/s | elapsed 00:00:05",
        progress(50).line(counters(50, 0), 5 * SECOND));
  }

  @Test
  void aLogGetsALineAtOnceThenEveryTenSecondsAndAtTheEnd() {
    // The fake pipeline runs for 25 polls of 1 s each, then is done.
    PipelineResult.State state = progress(100).await(new FakeResult(25, clock));
    assertEquals(PipelineResult.State.DONE, state);
    // Lines at 1 s (the first), 11 s, 21 s, and at the end (26 s).
    assertEquals(4, logged.size(), "" + logged);
    assertEquals(
        List.of("00:00:01", "00:00:11", "00:00:21", "00:00:26"),
        logged.stream().map(line -> line.replaceAll(".*elapsed (\\S+).*", "$1")).toList());
  }

  @Test
  void aQuietDisplayShowsNothing() {
    PipelineProgress quiet =
        new PipelineProgress("prepare", "prepare", "read", 100, ProgressDisplay.OFF, clock::get);
    assertEquals(PipelineResult.State.DONE, quiet.await(new FakeResult(25, clock)));
    assertEquals(List.of(), logged);
  }

  /** Running for {@code polls} waits of one second on the fake clock; no metrics until done. */
  private static final class FakeResult implements PipelineResult {
    private final AtomicLong clock;
    private int polls;

    FakeResult(int polls, AtomicLong clock) {
      this.polls = polls;
      this.clock = clock;
    }

    @Override
    public State waitUntilFinish(Duration duration) {
      clock.addAndGet(SECOND);
      return polls-- > 0 ? State.RUNNING : State.DONE;
    }

    @Override
    public State waitUntilFinish() {
      return State.DONE;
    }

    @Override
    public State getState() {
      return polls > 0 ? State.RUNNING : State.DONE;
    }

    @Override
    public State cancel() {
      return State.CANCELLED;
    }

    @Override
    public MetricResults metrics() {
      throw new UnsupportedOperationException("no metrics while running");
    }
  }
}
