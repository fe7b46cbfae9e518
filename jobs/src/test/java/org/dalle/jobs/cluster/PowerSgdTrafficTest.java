package org.dalle.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.dalle.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

/** PowerSGD's traffic against hand-computed shard sizes and the paper's closed form and Table 1. */
class PowerSgdTrafficTest {

  @Test
  void aSmallResblockCountedShardByShard() {
    // d = 64, m = 2 GPUs, r = 16: each GPU factors its shards at rank 8.
    // q, k, v, out: 64 × 32 shards, 8·(64 + 32) = 768 each, 3072 in all;
    // MLP 64 × 128 and 128 × 64 shards: 8·192 = 1536 each; 6144 against 12·64²/2 = 24576.
    assertEquals(6144.0 / 24576, PowerSgdTraffic.paperRatio(64, 16, 2), 1e-15);
  }

  @Test
  void theShardsGiveThePapersClosedForm() {
    for (int m : new int[] {1, 2, 4, 8, 16}) {
      for (int d : new int[] {1920, 2688, 3968}) {
        int r = 32 * m;
        assertEquals(
            r * (m + 2.0) / (2.0 * d * m), PowerSgdTraffic.paperRatio(d, r, m), 1e-12, d + "/" + m);
      }
    }
    // At 8 GPUs a machine: 1 − 5r / (8 d_model), the paper's compression rate.
    assertEquals(5.0 * 896 / (8 * 3968), PowerSgdTraffic.paperRatio(3968, 896, 8), 1e-15);
  }

  @Test
  void table1sRatesRoundToThePapers() {
    assertEquals(0.8333, 1 - PowerSgdTraffic.paperRatio(1920, 512, 8), 1e-4);
    assertEquals(0.8512, 1 - PowerSgdTraffic.paperRatio(2688, 640, 8), 1e-4);
    assertEquals(0.8589, 1 - PowerSgdTraffic.paperRatio(3968, 896, 8), 1e-4);
  }

  @Test
  void wholeMatricesAtFullRankSendAboutSeventyPercentLess() {
    // (3d + d) + (d + d) + 2 (4d + d) = 16 d per unit of rank, against 12 d².
    assertEquals(4.0 * 896 / (3 * 3968), PowerSgdTraffic.perMatrixRatio(3968, 896), 1e-15);
    assertEquals(0.699, 1 - PowerSgdTraffic.perMatrixRatio(3968, 896), 1e-3);
    // A rank above a matrix's side is cut to it, as PowerSgd does: at d = 4 every rank is 4, and
    // 4·(12 + 4) + 4·(4 + 4) + 2·4·(16 + 4) = 256 elements go for 12·4² = 192.
    assertEquals(256.0 / 192, PowerSgdTraffic.perMatrixRatio(4, 100), 1e-15);
  }

  @Test
  void theRestOfTheModelGoesUncompressed() {
    ModelShape paper = ModelShape.of(TransformerConfig.paper());
    assertEquals(12_092_178_432L, paper.matrixParameters()); // 12 · 3968² · 64
    assertEquals(201_645_824L, paper.otherParameters());
    double ratio = 5.0 * 896 / (8 * 3968);
    assertEquals(
        (ratio * 12_092_178_432L + 201_645_824L) / 12_293_824_256L,
        PowerSgdTraffic.wholeModelRatio(paper, ratio),
        1e-15);
    assertEquals(0.8448, 1 - PowerSgdTraffic.wholeModelRatio(paper, ratio), 1e-4);
  }
}
