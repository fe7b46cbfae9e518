package org.dalle.pipelines.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardPatternsTest {
  @Test
  void leavesAPatternWithoutBracesAlone() {
    assertEquals(List.of("gs://b/shards/*.tar"), ShardPatterns.expand("gs://b/shards/*.tar"));
  }

  @Test
  void expandsZeroPaddedRangesAlternativesAndTheirProducts() {
    assertEquals(
        List.of("s/008.tar", "s/009.tar", "s/010.tar"), ShardPatterns.expand("s/{008..010}.tar"));
    assertEquals(List.of("s/9.tar", "s/10.tar"), ShardPatterns.expand("s/{9..10}.tar"));
    assertEquals(
        List.of("train/0.tar", "train/1.tar", "val/0.tar", "val/1.tar"),
        ShardPatterns.expand("{train,val}/{0..1}.tar"));
  }

  @Test
  void rejectsMalformedOrOversizedBraces() {
    assertEquals(
        "unbalanced braces in shard pattern 's/{000..009.tar'; expected groups such as"
            + " '{000..099}' or '{train,val}'",
        assertThrows(IllegalArgumentException.class, () -> ShardPatterns.expand("s/{000..009.tar"))
            .getMessage());
    assertEquals(
        "unbalanced braces in shard pattern 'a}.tar'; expected groups such as '{000..099}' or"
            + " '{train,val}'",
        assertThrows(IllegalArgumentException.class, () -> ShardPatterns.expand("{x,y}a}.tar"))
            .getMessage());
    assertEquals(
        "unbalanced or nested '{' in shard pattern '{a,{b,c}}'; expected flat groups such as"
            + " '{000..099}' or '{train,val}'",
        assertThrows(IllegalArgumentException.class, () -> ShardPatterns.expand("{a,{b,c}}"))
            .getMessage());
    assertEquals(
        "range {9..1} in shard pattern 's/{9..1}.tar' runs backwards; expected {lo..hi}",
        assertThrows(IllegalArgumentException.class, () -> ShardPatterns.expand("s/{9..1}.tar"))
            .getMessage());
    assertEquals(
        "range {0..100000} in shard pattern '{0..100000}' has more than 100000 values",
        assertThrows(IllegalArgumentException.class, () -> ShardPatterns.expand("{0..100000}"))
            .getMessage());
  }
}
