package org.dalle.pipelines.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrepareSummaryTest {
  @Test
  void buildsCountsAndChecksTheInvariant() {
    PrepareSummary summary =
        PrepareSummary.fromCountLines(
            List.of(
                "examples\t10",
                "source_rejected\t2",
                "rejected/read/image_missing\t2",
                "rejected/decode/truncated\t1",
                "rejected/caption/caption_blank\t1",
                "unique\t6",
                "exact_duplicates\t2",
                "written\t5",
                "captions_truncated\t1",
                "eval_examples\t4",
                "eval_overlap\t1"));
    assertEquals(12, summary.read());
    assertEquals(5, summary.written());
    assertEquals(4, summary.rejected());
    assertEquals(2, summary.exactDuplicates());
    assertEquals(1, summary.nearDuplicates());
    assertEquals(
        Map.of("read/image_missing", 2L, "decode/truncated", 1L, "caption/caption_blank", 1L),
        summary.rejectedByReason());
    assertEquals(Map.of("examples", 4L, "overlap", 1L), summary.evaluation());
  }

  @Test
  void failsWhenARecordIsUnaccounted() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                PrepareSummary.fromCountLines(
                    List.of("examples\t3", "unique\t2", "written\t2", "exact_duplicates\t0")));
    assertTrue(e.getMessage().contains("read 3"), e.getMessage());
  }
}
