package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.dalle.pipelines.io.ProgressDisplay;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong clock = new AtomicLong(5 * SECOND);
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private final List<String> logged = new ArrayList<>();

  private ProgressBar bar(long total, boolean interactive) {
    ProgressDisplay display =
        interactive ? ProgressDisplay.terminal(out) : ProgressDisplay.lines(logged::add);
    return new ProgressBar("", "step", total, display, Duration.ofSeconds(30), clock::get);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void lineShowsRateEtaAndFields() {
    ProgressBar bar = bar(1000, false);
    bar.update(200, Map.of()); // a run resumed at step 200: the rate counts from here
    clock.addAndGet(4 * SECOND);
    Map<String, Number> fields = new LinkedHashMap<>();
    fields.put("loss", 0.123);
    fields.put("lr", 1.25e-6);
    fields.put("codes", 417);
    // 50 steps in 4 s = 12.5 steps/s; 750 left → 60 s
    assertEquals(
        "step 250/1000 [=====>              ]  25.0%  12.5 steps/s  ETA 0:01:00"
            + "  loss=0.1230  lr=1.250e-06  codes=417",
        bar.render(250, clock.get(), fields));
  }

  @Test
  void etaFormatsHoursAndTheLineBeforeAnyProgress() {
    assertEquals("27:46:40", ProgressBar.clockTime(100_000));
    ProgressBar bar = bar(10, false);
    assertEquals(
        "step 0/10 [>                   ]   0.0%  - steps/s  ETA -:--:--",
        bar.render(0, clock.get(), Map.of()));
    assertEquals(
        "step 10/10 [====================] 100.0%  - steps/s  ETA -:--:--",
        bar.render(10, clock.get(), Map.of()));
  }

  @Test
  void logModePrintsTheFirstLineThenOncePerInterval() {
    ProgressBar bar = bar(100, false);
    for (int step = 1; step <= 60; step++) {
      clock.addAndGet(SECOND);
      bar.update(step, Map.of());
    }
    bar.finish(60, Map.of());
    // step 1 (the first), step 31 (30 s later), step 60 (finish)
    assertEquals(3, logged.size());
    assertEquals("step 1/100", logged.get(0).substring(0, 10));
    assertEquals("step 31/100", logged.get(1).substring(0, 11));
    assertEquals("step 60/100", logged.get(2).substring(0, 11));
  }

  @Test
  void terminalModeRedrawsInPlace() {
    ProgressBar bar = bar(100, true);
    bar.update(1, Map.of("loss", 10.0));
    clock.addAndGet(SECOND / 20); // too soon to redraw
    bar.update(2, Map.of("loss", 9.0));
    clock.addAndGet(SECOND);
    bar.update(3, Map.of("loss", 1.0));
    bar.finish(3, Map.of());
    String text = printed();
    assertEquals(3, text.chars().filter(c -> c == '\r').count());
    assertEquals(1, text.chars().filter(c -> c == '\n').count());
    assertEquals('\n', text.charAt(text.length() - 1));
  }

  @Test
  void aLabelledBarCountsItsOwnUnit() {
    ProgressBar bar =
        new ProgressBar(
            "sample", "caption", 10, ProgressDisplay.OFF, Duration.ofSeconds(30), clock::get);
    bar.update(0, Map.of());
    clock.addAndGet(8 * SECOND);
    // 4 captions in 8 s = 0.5 captions/s; 6 left → 12 s
    assertEquals(
        "sample: caption 4/10 [========>           ]  40.0%  0.500 captions/s  ETA 0:00:12",
        bar.render(4, clock.get(), Map.of()));
  }
}
