package org.dalle.models.clip;

import java.util.List;
import java.util.Objects;

/**
 * Zero-shot retrieval accuracy of a contrastive model over N (image, caption) pairs, as CLIP
 * reports it (Radford et al. 2021, section 3.2): for every image, whether its caption is among the
 * k captions most similar to it (image→text), and for every caption, whether its image is among the
 * k most similar images (text→image), averaged over the N queries.
 *
 * <p>A retrieved item counts as correct when its key equals the query's (the caption text):
 * synthetic captions repeat, and an image retrieving another copy of its own caption has found the
 * right description. Ties in similarity go to the lower index.
 *
 * @param count N, the pairs compared
 * @param imageToTextTop1 fraction of images whose best caption matches
 * @param imageToTextTop5 fraction of images with a matching caption among the best min(5, N)
 * @param textToImageTop1 fraction of captions whose best image matches
 * @param textToImageTop5 fraction of captions with a matching image among the best min(5, N)
 */
public record RetrievalAccuracy(
    int count,
    double imageToTextTop1,
    double imageToTextTop5,
    double textToImageTop1,
    double textToImageTop5) {

  /**
   * The accuracies of a similarity matrix.
   *
   * @param similarities {@code N·N} values, row-major: row i is image i against every caption
   * @param keys the caption of each pair, N of them
   * @throws IllegalArgumentException when the sizes disagree or N is 0
   */
  public static RetrievalAccuracy of(float[] similarities, List<?> keys) {
    int n = keys.size();
    if (n == 0 || similarities.length != (long) n * n) {
      throw new IllegalArgumentException(
          similarities.length + " similarities for " + n + " pairs; expected N·N with N >= 1");
    }
    return new RetrievalAccuracy(
        n,
        hits(similarities, keys, 1, true),
        hits(similarities, keys, 5, true),
        hits(similarities, keys, 1, false),
        hits(similarities, keys, 5, false));
  }

  /** The mean of the two top-1 accuracies, the in-batch accuracy training logs. */
  public double meanTop1() {
    return (imageToTextTop1 + textToImageTop1) / 2;
  }

  /** Fraction of queries (rows, or columns) with a matching key among their {@code k} best. */
  private static double hits(float[] similarities, List<?> keys, int k, boolean rows) {
    int n = keys.size();
    int found = 0;
    for (int query = 0; query < n; query++) {
      // The rank of each candidate is the number of candidates scoring strictly higher, or equal
      // with a lower index; it is among the k best when that count is below k.
      for (int candidate = 0; candidate < n; candidate++) {
        if (!Objects.equals(keys.get(candidate), keys.get(query))) {
          continue;
        }
        float score = at(similarities, n, query, candidate, rows);
        int better = 0;
        for (int other = 0; other < n && better < k; other++) {
          float s = at(similarities, n, query, other, rows);
          if (s > score || (s == score && other < candidate)) {
            better++;
          }
        }
        if (better < k) {
          found++;
          break;
        }
      }
    }
    return (double) found / n;
  }

  private static float at(float[] similarities, int n, int query, int candidate, boolean rows) {
    return rows ? similarities[query * n + candidate] : similarities[candidate * n + query];
  }
}
