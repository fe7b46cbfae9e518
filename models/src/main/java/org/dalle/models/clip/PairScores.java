package org.dalle.models.clip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scoring arithmetic shared by the scorers: captions deduplicated so that N candidates of one
 * caption cost one text pass, and {@code s · cos(image_i, text_{c(i)})} computed in double.
 */
final class PairScores {

  /**
   * The distinct captions of a batch and, per image, the index of its caption among them.
   *
   * @param texts distinct captions in first-seen order
   * @param captionOf for image i, the index in {@code texts} of its caption
   */
  record Captions(List<String> texts, int[] captionOf) {

    static Captions of(List<String> captions) {
      Map<String, Integer> distinct = new LinkedHashMap<>();
      int[] captionOf = new int[captions.size()];
      for (int i = 0; i < captions.size(); i++) {
        captionOf[i] = distinct.computeIfAbsent(captions.get(i), c -> distinct.size());
      }
      return new Captions(new ArrayList<>(distinct.keySet()), captionOf);
    }
  }

  private PairScores() {}

  /**
   * {@code scale · cos(images[i], texts[captionOf[i]])} for every image.
   *
   * @param images {@code N·E} values, row-major
   * @param texts {@code C·E} values, row-major
   * @param width E
   */
  static float[] cosine(float[] images, float[] texts, int[] captionOf, int width, double scale) {
    float[] scores = new float[captionOf.length];
    for (int i = 0; i < captionOf.length; i++) {
      int t = captionOf[i] * width;
      double dot = 0;
      double imageNorm = 0;
      double textNorm = 0;
      for (int k = 0; k < width; k++) {
        double a = images[i * width + k];
        double b = texts[t + k];
        dot += a * b;
        imageNorm += a * a;
        textNorm += b * b;
      }
      double denominator = Math.sqrt(imageNorm) * Math.sqrt(textNorm);
      scores[i] = (float) (denominator == 0 ? 0 : scale * dot / denominator);
    }
    return scores;
  }
}
