package org.dalle.jobs.train;

import java.util.Arrays;
import java.util.Random;

/**
 * Batches of example indices from a per-epoch shuffle, with a per-example flip decision: epoch
 * {@code e}'s order and flips come from {@link Seeds#epochRandom}{@code (seed, e)}, so a run that
 * resumes at a {@link DataPosition} draws exactly the batches the uninterrupted run would.
 *
 * <p>An epoch ends when fewer than a batch of examples remain; those are skipped (they come first
 * in another epoch's order), so every batch has the same size.
 */
public final class BatchSampler {

  /**
   * One batch: example indices, whether to mirror each, and the top-left corner of each one's crop
   * window.
   */
  public record Batch(int[] indices, boolean[] flips, int[] lefts, int[] tops) {

    /**
     * Rank {@code rank}'s contiguous share of this batch when {@code ranks} processes split it, so
     * that the ranks together see exactly the batch one process would.
     *
     * @throws IllegalArgumentException when the batch does not split evenly
     */
    public Batch shard(int rank, int ranks) {
      checkShares(indices.length, rank, ranks);
      if (ranks == 1) {
        return this;
      }
      int size = indices.length / ranks;
      int from = rank * size;
      return new Batch(
          Arrays.copyOfRange(indices, from, from + size),
          Arrays.copyOfRange(flips, from, from + size),
          Arrays.copyOfRange(lefts, from, from + size),
          Arrays.copyOfRange(tops, from, from + size));
    }
  }

  /**
   * Checks that a batch of {@code batchSize} gives rank {@code rank} of {@code ranks} an equal
   * share.
   *
   * @throws IllegalArgumentException naming the batch size and the process count otherwise
   */
  public static void checkShares(int batchSize, int rank, int ranks) {
    if (batchSize % ranks != 0 || rank < 0 || rank >= ranks) {
      throw new IllegalArgumentException(
          "batch_size "
              + batchSize
              + " cannot give rank "
              + rank
              + " an equal share of "
              + ranks
              + " processes; expected a multiple of the process count");
    }
  }

  private final long seed;
  private final int examples;
  private final int batchSize;
  private final boolean flip;
  private final int cropPositions;
  private final boolean randomCrop;
  private long epoch = -1;
  private int[] order;
  private boolean[] flips;
  private int[] lefts;
  private int[] tops;
  private DataPosition position;

  /**
   * @param examples the dataset size, at least {@code batchSize}
   * @param flip whether to draw flips; when false every flip is false
   */
  public BatchSampler(long seed, int examples, int batchSize, boolean flip, DataPosition start) {
    this(seed, examples, batchSize, flip, 1, false, start);
  }

  /**
   * @param examples the dataset size, at least {@code batchSize}
   * @param flip whether to draw flips; when false every flip is false
   * @param cropPositions crop offsets along each axis (stored size − crop size + 1)
   * @param randomCrop draw each crop offset uniformly; when false every crop is the centre one
   */
  public BatchSampler(
      long seed,
      int examples,
      int batchSize,
      boolean flip,
      int cropPositions,
      boolean randomCrop,
      DataPosition start) {
    if (cropPositions < 1) {
      throw new IllegalArgumentException(
          "crop positions are " + cropPositions + "; expected at least 1");
    }
    if (batchSize < 1 || examples < batchSize) {
      throw new IllegalArgumentException(
          "batch size "
              + batchSize
              + " needs at least that many training images, but there are "
              + examples);
    }
    if (start.index() > examples - batchSize && start.index() != 0) {
      throw new IllegalArgumentException(
          "data position " + start + " is past the last full batch of " + examples + " examples");
    }
    this.seed = seed;
    this.examples = examples;
    this.batchSize = batchSize;
    this.flip = flip;
    this.cropPositions = cropPositions;
    this.randomCrop = randomCrop;
    this.position = start;
  }

  /** Unmirrored batches of {@code examples} with the run's seed and batch size. */
  public static BatchSampler of(TrainingSettings run, int examples, DataPosition start) {
    return new BatchSampler(run.seed(), examples, run.batchSize(), false, start);
  }

  /**
   * Batches of crop windows of {@code examples} images, with the run's seed and batch size.
   *
   * @param flip whether to draw flips; when false every flip is false
   * @param cropPositions crop offsets along each axis (stored size − crop size + 1)
   * @param randomCrop draw each crop offset uniformly; when false every crop is the centre one
   */
  public static BatchSampler ofImages(
      TrainingSettings run,
      int examples,
      boolean flip,
      int cropPositions,
      boolean randomCrop,
      DataPosition start) {
    return new BatchSampler(
        run.seed(), examples, run.batchSize(), flip, cropPositions, randomCrop, start);
  }

  /** Where the next batch starts. */
  public DataPosition position() {
    return position;
  }

  /** The next batch; advances the position. */
  public Batch next() {
    if (position.index() + batchSize > examples) {
      position = new DataPosition(position.epoch() + 1, 0);
    }
    if (epoch != position.epoch()) {
      shuffle(position.epoch());
    }
    int from = (int) position.index();
    int[] indices = new int[batchSize];
    boolean[] batchFlips = new boolean[batchSize];
    System.arraycopy(order, from, indices, 0, batchSize);
    System.arraycopy(flips, from, batchFlips, 0, batchSize);
    int[] batchLefts = Arrays.copyOfRange(lefts, from, from + batchSize);
    int[] batchTops = Arrays.copyOfRange(tops, from, from + batchSize);
    position = new DataPosition(position.epoch(), from + batchSize);
    return new Batch(indices, batchFlips, batchLefts, batchTops);
  }

  private void shuffle(long newEpoch) {
    Random random = Seeds.epochRandom(seed, newEpoch);
    order = new int[examples];
    for (int i = 0; i < examples; i++) {
      order[i] = i;
    }
    for (int i = examples - 1; i > 0; i--) { // Fisher–Yates
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    flips = new boolean[examples];
    if (flip) {
      for (int i = 0; i < examples; i++) {
        flips[i] = random.nextBoolean();
      }
    }
    // Drawn after the order and flips, so turning crops on leaves those as they were.
    lefts = new int[examples];
    tops = new int[examples];
    for (int i = 0; i < examples; i++) {
      lefts[i] = randomCrop ? random.nextInt(cropPositions) : (cropPositions - 1) / 2;
      tops[i] = randomCrop ? random.nextInt(cropPositions) : (cropPositions - 1) / 2;
    }
    epoch = newEpoch;
  }
}
