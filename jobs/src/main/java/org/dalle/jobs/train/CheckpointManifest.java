package org.dalle.jobs.train;

import java.util.Map;

/**
 * The small JSON file ({@code manifest.json}) written last into every checkpoint; a directory
 * without one is not a checkpoint.
 *
 * @param format the layout version, {@link #FORMAT}
 * @param step updates taken when the checkpoint was written
 * @param data where the next update's examples come from
 * @param seed the run's seed; with {@code step} and {@code data} it fixes all later randomness
 * @param rng how randomness derives from the seed (see {@link Seeds}), for readers of the file
 * @param files every other file in the checkpoint, with its size in bytes
 */
public record CheckpointManifest(
    int format, long step, DataPosition data, long seed, String rng, Map<String, Long> files) {

  public static final int FORMAT = 1;

  public static final String RNG_SCHEME =
      "engine seeded with Seeds.stepSeed(seed, step) before each update;"
          + " epoch order from Seeds.epochRandom(seed, epoch)";
}
