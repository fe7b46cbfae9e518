package org.dalle.evaluation.metrics;

/**
 * The Inception Score (Salimans et al. 2016), reported in the DALL·E paper (section 3.1, figure 9):
 * IS = exp(E_x KL(p(y|x) ‖ p(y))), computed on each of {@code splits} consecutive,
 * equal-as-possible parts of the samples (part i holds rows [i·n/splits, (i+1)·n/splits), no
 * shuffling, as in the original code), reported as the mean and the standard deviation (ddof = 0)
 * over the parts. p(y|x) is the softmax of the classifier's logits, taken in float64 through
 * log-softmax.
 */
public final class InceptionScore {
  public static final int DEFAULT_SPLITS = 10;

  /** The mean and standard deviation (ddof = 0) of the per-split scores. */
  public record Result(double mean, double std, int splits) {}

  private InceptionScore() {}

  /**
   * @param logits one row of class logits per sample
   * @throws IllegalArgumentException for a non-finite logit or fewer samples than splits
   */
  public static Result of(FeatureMatrix logits, int splits) {
    int n = logits.rows();
    int k = logits.columns();
    if (splits < 1) {
      throw new IllegalArgumentException("splits must be at least 1 but was " + splits);
    }
    if (n < splits) {
      throw new IllegalArgumentException(
          "the Inception Score over "
              + splits
              + " splits needs at least that many samples, got "
              + n);
    }
    logits.requireFinite("logit");
    double[] logP = logSoftmax(logits);
    double[] scores = new double[splits];
    for (int s = 0; s < splits; s++) {
      int from = (int) ((long) s * n / splits);
      int to = (int) ((long) (s + 1) * n / splits);
      scores[s] = splitScore(logP, k, from, to);
    }
    double mean = 0;
    for (double score : scores) {
      mean += score;
    }
    mean /= splits;
    double variance = 0;
    for (double score : scores) {
      variance += (score - mean) * (score - mean);
    }
    return new Result(mean, Math.sqrt(variance / splits), splits);
  }

  /** log p(y|x) per row: x − max − log Σ exp(x − max). */
  private static double[] logSoftmax(FeatureMatrix logits) {
    int k = logits.columns();
    double[] x = logits.values();
    double[] out = new double[x.length];
    for (int row = 0; row < logits.rows(); row++) {
      int base = row * k;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        max = Math.max(max, x[base + j]);
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(x[base + j] - max);
      }
      double logSum = max + Math.log(sum);
      for (int j = 0; j < k; j++) {
        out[base + j] = x[base + j] - logSum;
      }
    }
    return out;
  }

  /** exp(mean over rows of KL(p(y|x) ‖ p(y))) with p(y) the mean of p(y|x) over the part. */
  private static double splitScore(double[] logP, int k, int from, int to) {
    int rows = to - from;
    double[] marginal = new double[k];
    for (int row = from; row < to; row++) {
      for (int j = 0; j < k; j++) {
        marginal[j] += Math.exp(logP[row * k + j]);
      }
    }
    double[] logMarginal = new double[k];
    for (int j = 0; j < k; j++) {
      logMarginal[j] = Math.log(marginal[j] / rows);
    }
    double kl = 0;
    for (int row = from; row < to; row++) {
      for (int j = 0; j < k; j++) {
        double lp = logP[row * k + j];
        double p = Math.exp(lp);
        if (p > 0) { // 0 · log 0 = 0, also where the marginal underflowed to 0
          kl += p * (lp - logMarginal[j]);
        }
      }
    }
    return Math.exp(kl / rows);
  }
}
