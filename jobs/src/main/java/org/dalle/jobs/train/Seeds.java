package org.dalle.jobs.train;

import ai.djl.engine.Engine;
import java.util.Random;

/**
 * The randomness scheme of every training job: all randomness is a pure function of the run's seed
 * and the position in training, so the "RNG state" of a checkpoint is just its step and data
 * position, and a resumed run draws exactly the numbers the uninterrupted one would.
 *
 * <ul>
 *   <li>At the start of update {@code step}, the engine (Gumbel noise, dropout, initialisation
 *       after step 0) is seeded with {@link #stepSeed(long, long)}: call {@link
 *       #seedEngineForStep}.
 *   <li>Epoch {@code e}'s example order (and any per-epoch augmentation choice) comes from {@link
 *       #epochRandom(long, long)}.
 * </ul>
 *
 * Seeds are mixed with SplitMix64 so that neighbouring steps get unrelated seeds.
 */
public final class Seeds {

  private static final long STEP_STREAM = 0x5354455053454544L; // "STEPSEED"
  private static final long EPOCH_STREAM = 0x45504f4348534544L; // "EPOCHSED"
  private static final long RANK_STREAM = 0x52414e4b53454544L; // "RANKSEED"

  private Seeds() {}

  /** The engine seed for update {@code step} (0-based) of a run seeded with {@code seed}. */
  public static int stepSeed(long seed, long step) {
    return (int) (mix(seed, STEP_STREAM, step) >>> 33);
  }

  /** A generator for epoch {@code epoch}'s order, the same whenever the epoch is replayed. */
  public static Random epochRandom(long seed, long epoch) {
    return new Random(mix(seed, EPOCH_STREAM, epoch));
  }

  /**
   * The seed rank {@code rank} of a data-parallel run draws its per-step randomness from: the run's
   * seed on rank 0 (so one process trains as before), an unrelated one on every other rank.
   */
  public static long forRank(long seed, int rank) {
    return rank == 0 ? seed : mix(seed, RANK_STREAM, rank);
  }

  /** Seeds the default DJL engine for update {@code step}. */
  public static void seedEngineForStep(long seed, long step) {
    Engine.getInstance().setRandomSeed(stepSeed(seed, step));
  }

  static long mix(long seed, long stream, long index) {
    return splitMix64(splitMix64(seed ^ stream) + index);
  }

  private static long splitMix64(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
