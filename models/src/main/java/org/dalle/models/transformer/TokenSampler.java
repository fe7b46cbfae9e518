package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Draws one token per row from next-token logits with the Gumbel-max trick: {@code argmax(logits/τ
 * + g)} with standard Gumbel noise {@code g} is an exact sample of {@code softmax(logits/τ)} (the
 * engine has no multinomial sampler). Top-k and top-p first set the logits of the tokens they drop
 * to −∞; ties at a cut-off are all kept.
 *
 * <p>The trick runs in its exponential form: with {@code g = −log E} for a standard exponential
 * {@code E}, {@code argmax(logits/τ + g) = argmax(p / E)} where {@code p = softmax(logits/τ)}. The
 * engine computes {@code p} in one operation and Java draws one uniform per entry and picks the
 * winner in double precision, taking a logarithm only for the few entries that could still win
 * ({@link #race}): the two logarithms per vocabulary entry and row of the plain form cost more than
 * the rest of a decoding step's sampling together.
 *
 * <p>The noise comes from Java generators, one per batch row, split in row order from the seed (or
 * seeded one by one): a run is reproducible on any device, and row {@code b}'s draws depend only on
 * the seed and {@code b} (or on its own seed).
 */
public final class TokenSampler {

  private final SamplingOptions options;
  private final SplittableRandom[] rows;

  /**
   * @param batch rows per call
   * @param seed seeds every row's generator
   */
  public TokenSampler(SamplingOptions options, int batch, long seed) {
    this.options = options.validate();
    if (batch < 1) {
      throw new IllegalArgumentException("batch is " + batch + "; expected at least 1");
    }
    SplittableRandom root = new SplittableRandom(seed);
    rows = new SplittableRandom[batch];
    for (int b = 0; b < batch; b++) {
      rows[b] = root.split();
    }
  }

  /**
   * A sampler whose row {@code b} draws from a generator seeded with {@code rowSeeds[b]} alone, so
   * a row's draws do not depend on which other rows share its batch (e.g. one seed per (caption,
   * candidate) pair, whatever the batch size).
   *
   * @param rowSeeds one seed per row
   */
  public TokenSampler(SamplingOptions options, long[] rowSeeds) {
    this.options = options.validate();
    if (rowSeeds.length < 1) {
      throw new IllegalArgumentException("no row seeds; expected one per batch row");
    }
    rows = new SplittableRandom[rowSeeds.length];
    for (int b = 0; b < rowSeeds.length; b++) {
      rows[b] = new SplittableRandom(rowSeeds[b]);
    }
  }

  /**
   * One token per row, as an array: {@link #draw} handed back to the engine.
   *
   * @param logits {@code (B, V)}
   * @return INT64 tokens in [0, V), {@code (B)}, attached to the logits' manager
   */
  public NDArray sample(NDArray logits) {
    return logits.getManager().create(draw(logits));
  }

  /**
   * One token per row.
   *
   * @param logits {@code (B, V)}
   * @return {@code B} tokens in [0, V)
   */
  public long[] draw(NDArray logits) {
    Shape shape = logits.getShape();
    if (shape.dimension() != 2 || shape.get(0) != rows.length) {
      throw new IllegalArgumentException(
          "logits are " + shape + "; expected (" + rows.length + ", V) for this sampler");
    }
    int vocabulary = Math.toIntExact(shape.get(1));
    try (NDManager scope = logits.getManager().newSubManager()) {
      logits.tempAttach(scope);
      NDArray x = logits.toType(DataType.FLOAT32, false); // (B, V)
      if (options.temperature() == 0) {
        return x.argMax(-1).toType(DataType.INT64, false).toLongArray();
      }
      if (options.temperature() != 1) {
        x = x.div(options.temperature()); // no gradient here, so plain div is safe
      }
      float[] probabilities = truncate(x).softmax(-1).toFloatArray(); // (B, V), row-major
      long[] tokens = new long[rows.length];
      for (int b = 0; b < rows.length; b++) {
        tokens[b] = race(probabilities, b * vocabulary, vocabulary, rows[b]);
      }
      return tokens;
    }
  }

  /**
   * The Gumbel-max draw in exponential form: the index {@code v} of the largest {@code p[v] / E_v}
   * over one row, with one standard exponential {@code E_v = −log(1 − U_v)} per entry from a
   * uniform {@code U_v} of {@code random}; the first of equal maxima. Since {@code E ≥ U}, an entry
   * with {@code U_v · best ≥ p[v]} cannot beat the best score so far and needs no logarithm: after
   * the first few entries almost every one is settled by a multiplication. Entries of probability
   * zero never win.
   *
   * @throws IllegalArgumentException if no entry has a positive probability (NaN logits)
   */
  static int race(float[] p, int offset, int length, SplittableRandom random) {
    int best = -1;
    double bestScore = 0;
    for (int v = 0; v < length; v++) {
      double u = random.nextDouble(); // one draw per entry, whatever happens, for reproducibility
      double probability = p[offset + v];
      if (!(probability > 0) || best >= 0 && u * bestScore >= probability) {
        continue;
      }
      double score = probability / -Math.log1p(-u);
      if (best < 0 || score > bestScore) {
        best = v;
        bestScore = score;
      }
    }
    if (best < 0) {
      throw new IllegalArgumentException(
          "no token of this row has a positive probability; expected finite logits (NaN or −∞"
              + " everywhere suggests a diverged model)");
    }
    return best;
  }

  /** Top-k, then top-p: dropped tokens' logits become −∞. */
  private NDArray truncate(NDArray x) {
    long vocabulary = x.getShape().get(1);
    boolean topK = options.topK() > 0 && options.topK() < vocabulary;
    if (!topK && options.topP() == 1) {
      return x;
    }
    NDArray minusInfinity = x.getManager().full(new Shape(), Float.NEGATIVE_INFINITY);
    if (topK) {
      NDArray kth =
          x.sort(-1)
              .get(
                  ":, {}:{}",
                  vocabulary - options.topK(),
                  vocabulary - options.topK() + 1); // (B, 1)
      x = NDArrays.where(x.gte(kth), x, minusInfinity);
    }
    if (options.topP() < 1) {
      NDArray probabilities = x.softmax(-1); // (B, V)
      NDArray descending = probabilities.sort(-1).flip(-1); // (B, V)
      NDArray before = descending.cumSum(-1).sub(descending); // mass of the more likely tokens
      NDArray infinity = x.getManager().full(new Shape(), Float.POSITIVE_INFINITY);
      NDArray kept = NDArrays.where(before.lt(options.topP()), descending, infinity);
      NDArray threshold = kept.min(new int[] {-1}, true); // (B, 1): least kept probability
      x = NDArrays.where(probabilities.gte(threshold), x, minusInfinity);
    }
    return x;
  }
}
