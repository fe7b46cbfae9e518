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
   * One token per row.
   *
   * @param logits {@code (B, V)}
   * @return INT64 tokens in [0, V), {@code (B)}, attached to the logits' manager
   */
  public NDArray sample(NDArray logits) {
    Shape shape = logits.getShape();
    if (shape.dimension() != 2 || shape.get(0) != rows.length) {
      throw new IllegalArgumentException(
          "logits are " + shape + "; expected (" + rows.length + ", V) for this sampler");
    }
    NDManager caller = logits.getManager();
    try (NDManager scope = caller.newSubManager()) {
      logits.tempAttach(scope);
      NDArray x = logits.toType(DataType.FLOAT32, false); // (B, V)
      NDArray tokens;
      if (options.temperature() == 0) {
        tokens = x.argMax(-1);
      } else {
        x = x.div(options.temperature()); // no gradient here, so plain div is safe
        x = truncate(x);
        tokens = x.add(gumbel(scope, shape)).argMax(-1); // (B)
      }
      tokens = tokens.toType(DataType.INT64, false);
      tokens.attach(caller);
      return tokens;
    }
  }

  /**
   * {@link #sample} with the tokens returned to Java: the same draws (same noise, same float32
   * arithmetic, first index on ties), but without truncation the Gumbel-max runs on the Java side
   * after one copy of the logits, which saves the engine calls that dominate a decoding step.
   *
   * @param logits {@code (B, V)}
   * @return {@code B} tokens in [0, V)
   */
  public long[] draw(NDArray logits) {
    Shape shape = logits.getShape();
    if (options.topK() > 0 && options.topK() < shape.get(1) || options.topP() < 1) {
      try (NDArray tokens = sample(logits)) {
        return tokens.toLongArray();
      }
    }
    if (shape.dimension() != 2 || shape.get(0) != rows.length) {
      throw new IllegalArgumentException(
          "logits are " + shape + "; expected (" + rows.length + ", V) for this sampler");
    }
    int vocabulary = Math.toIntExact(shape.get(1));
    float[] values;
    if (logits.getDataType() == DataType.FLOAT32) {
      values = logits.toFloatArray();
    } else {
      try (NDArray x = logits.toType(DataType.FLOAT32, true)) {
        values = x.toFloatArray();
      }
    }
    float temperature = options.temperature();
    float[] noise = temperature == 0 ? null : gumbelNoise(vocabulary);
    long[] tokens = new long[rows.length];
    for (int b = 0; b < rows.length; b++) {
      int best = 0;
      float bestValue = 0;
      for (int v = 0; v < vocabulary; v++) {
        int at = b * vocabulary + v;
        float value = noise == null ? values[at] : values[at] / temperature + noise[at];
        if (v == 0 || value > bestValue) { // the first of equal maxima, as the engine's argmax
          best = v;
          bestValue = value;
        }
      }
      tokens[b] = best;
    }
    return tokens;
  }

  /** Top-k, then top-p: dropped tokens' logits become −∞. */
  private NDArray truncate(NDArray x) {
    long vocabulary = x.getShape().get(1);
    NDArray minusInfinity = x.getManager().full(new Shape(), Float.NEGATIVE_INFINITY);
    if (options.topK() > 0 && options.topK() < vocabulary) {
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

  /** Standard Gumbel noise {@code −log(−log U)}, U uniform in (0, 1), row by row. */
  private NDArray gumbel(NDManager manager, Shape shape) {
    return manager.create(gumbelNoise(Math.toIntExact(shape.get(1))), shape);
  }

  /** {@code (B, V)} Gumbel noise, row-major, each row from its own generator. */
  private float[] gumbelNoise(int vocabulary) {
    float[] noise = new float[rows.length * vocabulary];
    for (int b = 0; b < rows.length; b++) {
      for (int v = 0; v < vocabulary; v++) {
        double u = (rows[b].nextInt(1 << 24) + 0.5) / (1 << 24); // never 0 or 1
        noise[b * vocabulary + v] = (float) -Math.log(-Math.log(u));
      }
    }
    return noise;
  }
}
