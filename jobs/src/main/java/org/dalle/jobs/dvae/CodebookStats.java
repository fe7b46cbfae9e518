package org.dalle.jobs.dvae;

/**
 * How much of the codebook a batch uses: the number of distinct argmax codes, and the perplexity
 * {@code exp(H)} of the batch's code histogram (H in nats), which equals the number of codes when
 * all are used equally and 1 when one code is used everywhere.
 *
 * @param usage distinct codes in the batch
 * @param perplexity exp of the entropy of the code frequencies
 */
public record CodebookStats(int usage, double perplexity) {

  /**
   * @param codes argmax codes of every grid position of every image in a batch
   * @param vocabSize the codebook size; every code must be in [0, vocabSize)
   */
  public static CodebookStats of(int[] codes, int vocabSize) {
    if (codes.length == 0) {
      throw new IllegalArgumentException("codebook statistics need at least one code");
    }
    long[] counts = new long[vocabSize];
    for (int code : codes) {
      if (code < 0 || code >= vocabSize) {
        throw new IllegalArgumentException(
            "code " + code + " is outside the codebook [0, " + vocabSize + ")");
      }
      counts[code]++;
    }
    int usage = 0;
    double entropy = 0;
    for (long count : counts) {
      if (count > 0) {
        usage++;
        double p = count / (double) codes.length;
        entropy -= p * Math.log(p);
      }
    }
    return new CodebookStats(usage, Math.exp(entropy));
  }
}
