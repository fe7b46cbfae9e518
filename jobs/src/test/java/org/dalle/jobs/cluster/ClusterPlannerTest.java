package org.dalle.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dalle.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;

/** The memory and traffic model against figures computed by hand. */
class ClusterPlannerTest {
  static final double GB = 1e9;

  /**
   * The tiny prior (d 128, 4 layers: 786,432 matrix parameters) counted as 10⁶ parameters, fp32, on
   * 2 machines of 4 GPUs: W = G = E = 4 MB, A = 8 MB.
   */
  static ClusterPlanConfig small() {
    ModelShape model = new ModelShape(TransformerConfig.tiny(), 1_000_000, 786_432);
    return new ClusterPlanConfig(model, StatePrecision.FP32, true, 8, 1, 0.5, 4, 2, 1.0, 0.5, 16);
  }

  @Test
  void memoryOfEachStage() {
    ClusterPlanConfig c = small();
    double block = 12 * 128 * 128 * 4; // one resblock's matrices, fp32: 786,432 bytes
    StrategyPlan dp = ClusterPlanner.row(c, Strategy.DATA_PARALLEL);
    assertEquals(4e6, dp.weightsGb() * GB, 1e-3);
    assertEquals(4e6, dp.gradientsGb() * GB, 1e-3);
    assertEquals(8e6, dp.adamGb() * GB, 1e-3);
    assertEquals(4e6, dp.emaGb() * GB, 1e-3);
    StrategyPlan one = ClusterPlanner.row(c, Strategy.STAGE_1);
    assertEquals(4e6, one.gradientsGb() * GB, 1e-3);
    assertEquals(2e6, one.adamGb() * GB, 1e-3);
    assertEquals(1e6, one.emaGb() * GB, 1e-3);
    StrategyPlan two = ClusterPlanner.row(c, Strategy.STAGE_2);
    assertEquals(4e6, two.weightsGb() * GB, 1e-3);
    assertEquals(1e6 + block, two.gradientsGb() * GB, 1e-3);
    StrategyPlan three = ClusterPlanner.row(c, Strategy.STAGE_3);
    assertEquals(1e6 + 2 * block, three.weightsGb() * GB, 1e-3);
    assertEquals(0, three.errorGb());
    StrategyPlan powerSgd = ClusterPlanner.row(c, Strategy.STAGE_3_POWERSGD);
    assertEquals(1e6, powerSgd.errorGb() * GB, 1e-3);
    assertEquals(three.totalGb() + 1e-3, powerSgd.totalGb(), 1e-12);
  }

  @Test
  void activationsWithCheckpointing() {
    // 1 sequence per GPU (batch 8 on 8 GPUs) of 32 + 64 tokens, d 128, 4 heads, fp32:
    // checkpoints 4·96·128·4; a resblock (17·96·128 + 2.5·4·96²)·4; logits 2·96·(544 + 512)·4.
    ActivationMemory a = ClusterPlanner.activations(small());
    assertEquals(196_608, a.checkpointBytes(), 1e-6);
    assertEquals(1_204_224, a.resblockBytes(), 1e-6);
    assertEquals(811_008, a.logitBytes(), 1e-6);
    StrategyPlan dp = ClusterPlanner.row(small(), Strategy.DATA_PARALLEL);
    assertEquals((20e6 + 196_608 + 1_204_224 + 811_008) / GB, dp.totalGb(), 1e-12);
  }

  @Test
  void trafficOfEachStage() {
    ClusterPlanConfig c = small();
    StrategyPlan dp = ClusterPlanner.row(c, Strategy.DATA_PARALLEL);
    assertEquals(2 * 0.75 * 4e6, dp.intraNodeGb() * GB, 1e-3); // reduce-scatter + all-gather
    assertEquals(2 * 0.5 * 4e6, dp.interNodeGb() * GB, 1e-3); // all-reduce over 2 machines
    assertEquals(0.006, dp.intraNodeSeconds(), 1e-12); // 6 MB at 1 GB/s
    assertEquals(0.008, dp.interNodeSeconds(), 1e-12); // 4 MB at 0.5 GB/s
    assertEquals(0.014, dp.seconds(), 1e-12);
    assertEquals(0.75 * 8e6, ClusterPlanner.row(c, Strategy.STAGE_2).intraNodeGb() * GB, 1e-3);
    StrategyPlan three = ClusterPlanner.row(c, Strategy.STAGE_3);
    assertEquals(0.75 * 12e6, three.intraNodeGb() * GB, 1e-3); // 2 gathers + reduce-scatter
    assertEquals(4e6, three.interNodeGb() * GB, 1e-3);
    // Rank 16 over 4 GPUs at d 128: 16·6 / (2·128·4) = 0.09375 of the matrices' 3,145,728 bytes,
    // plus the other 213,568 parameters' 854,272 bytes uncompressed.
    StrategyPlan powerSgd = ClusterPlanner.row(c, Strategy.STAGE_3_POWERSGD);
    assertEquals(294_912 + 854_272, powerSgd.interNodeGb() * GB, 1e-3);
    assertEquals(three.intraNodeGb(), powerSgd.intraNodeGb(), 1e-15);
  }

  @Test
  void fitsCountsTheReserve() {
    ClusterPlanConfig c = small(); // 1 GiB a GPU, 0.5 GB reserved
    assertTrue(ClusterPlanner.row(c, Strategy.DATA_PARALLEL).fits());
    ClusterPlanConfig tight =
        new ClusterPlanConfig(
            c.model(), c.precision(), true, 8, 0.02, 0.0, 4, 2, 1.0, 0.5, 16); // 21.47 MB
    assertFalse(ClusterPlanner.row(tight, Strategy.DATA_PARALLEL).fits()); // 22.2 MB
    assertTrue(ClusterPlanner.row(tight, Strategy.STAGE_1).fits());
  }

  @Test
  void thePapersRunOn1024V100s() {
    ClusterPlan plan = ClusterPlanner.plan(ClusterPlanConfig.paper());
    StrategyPlan dp = plan.row(Strategy.DATA_PARALLEL);
    // 12,092,178,432 matrix parameters at 2 bytes and 201,645,824 others at 4.
    assertEquals(24.990_940_16, dp.weightsGb(), 1e-9);
    assertEquals(2 * 127 / 128.0 * 24.990_940_16, dp.interNodeGb(), 1e-9);
    StrategyPlan three = plan.row(Strategy.STAGE_3);
    assertEquals(24.990_940_16 / 8 + 2 * 12 * 3968.0 * 3968 * 2 / GB, three.weightsGb(), 1e-9);
    StrategyPlan powerSgd = plan.row(Strategy.STAGE_3_POWERSGD);
    double sent = 5.0 * 896 / (8 * 3968) * 12_092_178_432L * 2 + 201_645_824L * 4;
    assertEquals(2 * 127 / 128.0 * sent / GB, powerSgd.interNodeGb(), 1e-9);
    assertEquals(0.670, powerSgd.interNodeSeconds(), 1e-3); // at 12.5 GB/s
    assertEquals(0.8589, plan.powerSgd().paperRate(), 1e-4);
    assertEquals(112, plan.powerSgd().rankPerGpu());
    assertFalse(dp.fits());
    assertTrue(plan.agreesWithPaper(), plan.paperChecks().toString());
  }

  @Test
  void badValuesAreAllNamed() {
    ClusterPlanConfig c = small();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ClusterPlanConfig(
                        c.model(), c.precision(), true, 0, 16, 1, 8, 0, 100, 12.5, 100)
                    .validate());
    assertEquals(
        "--batch-size is 0; expected at least 1; --nodes is 0; expected at least 1;"
            + " --powersgd-rank is 100; expected a multiple of --gpus-per-node (8): each GPU"
            + " factors its shard at rank r / GPUs per node",
        e.getMessage());
  }
}
