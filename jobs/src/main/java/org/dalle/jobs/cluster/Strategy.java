package org.dalle.jobs.cluster;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How the training state is spread over the GPUs of a machine and how gradients travel between
 * machines (ZeRO, Rajbhandari et al. 2019; PowerSGD, Vogels et al. 2019).
 */
public enum Strategy {
  /** Every GPU holds all state; gradients all-reduced in full. */
  DATA_PARALLEL("data parallel", 0, false),
  /** Adam moments and EMA sharded over the machine's GPUs. */
  STAGE_1("ZeRO 1: Adam, EMA sharded", 1, false),
  /** ... and gradients (reduce-scatter). */
  STAGE_2("ZeRO 2: + gradients", 2, false),
  /** ... and parameters, gathered resblock by resblock (the paper's Figure 5). */
  STAGE_3("ZeRO 3: + parameters", 3, false),
  /** Stage 3 inside a machine, PowerSGD between machines (the paper's section 2.5). */
  STAGE_3_POWERSGD("ZeRO 3 + PowerSGD", 3, true);

  private final String label;
  private final int stage;
  private final boolean powerSgd;

  Strategy(String label, int stage, boolean powerSgd) {
    this.label = label;
    this.stage = stage;
    this.powerSgd = powerSgd;
  }

  @JsonValue
  public String label() {
    return label;
  }

  /** The ZeRO stage: 0 (none) to 3. */
  public int stage() {
    return stage;
  }

  /** Whether gradients between machines go as PowerSGD factors. */
  public boolean powerSgd() {
    return powerSgd;
  }
}
