package org.dalle.pipelines.prepare;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.RescaleOp;
import java.util.ArrayList;
import java.util.List;
import org.dalle.pipelines.image.ImageDecoder;
import org.dalle.pipelines.image.ImageRejectedException;
import org.dalle.pipelines.image.PerceptualHash;
import org.dalle.pipelines.image.SquareResizer;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall of near-duplicate detection exactly as the prepare pipeline does it (decode,
 * resize and centre-crop, 64-bit pHash, Hamming threshold) on a built set: training photos, and an
 * evaluation set holding edited copies of some of them (rescaled, recompressed, cropped,
 * brightened, and all at once) plus unrelated photos. Every (training, evaluation) pair is scored.
 */
class NearDuplicateQualityTest {
  private static final int PHOTOS = 60;
  private static final int COPIED = 30;

  @Test
  void defaultThresholdFindsEditedCopiesAndNothingElse() throws ImageRejectedException {
    ImageDecoder decoder = new ImageDecoder(10_000_000);
    int size = 64;
    long[] training = new long[PHOTOS];
    for (int i = 0; i < PHOTOS; i++) {
      training[i] = hash(decoder, Fixtures.png(Fixtures.photo(160, 120, i)), size);
    }
    List<long[]> evaluation = new ArrayList<>(); // {hash, index of the original or -1}
    for (int i = 0; i < COPIED; i++) {
      BufferedImage original = Fixtures.photo(160, 120, i);
      evaluation.add(
          new long[] {hash(decoder, Fixtures.nearDuplicateJpeg(original, 0, 0.5, 0.9f), size), i});
      evaluation.add(new long[] {hash(decoder, Fixtures.jpeg(original, 0.4f), size), i});
      evaluation.add(
          new long[] {
            hash(decoder, Fixtures.nearDuplicateJpeg(original, 0.03, 1.0, 0.9f), size), i
          });
      BufferedImage brighter = new RescaleOp(1.0f, 12f, null).filter(original, null);
      evaluation.add(new long[] {hash(decoder, Fixtures.png(brighter), size), i});
      evaluation.add(
          new long[] {
            hash(decoder, Fixtures.nearDuplicateJpeg(original, 0.03, 0.7, 0.7f), size), i
          });
    }
    for (int j = 0; j < PHOTOS; j++) {
      evaluation.add(
          new long[] {hash(decoder, Fixtures.png(Fixtures.photo(160, 120, 10_000 + j)), size), -1});
    }

    int threshold = PrepareConfig.defaults().nearDuplicateThreshold();
    StringBuilder report =
        new StringBuilder(
            "near-duplicate detection on "
                + PHOTOS
                + " training photos x "
                + evaluation.size()
                + " evaluation images:\n");
    double defaultPrecision = 0;
    double defaultRecall = 0;
    for (int t : new int[] {4, 6, 8, 10, 12, 14}) {
      int truePositive = 0;
      int falsePositive = 0;
      int falseNegative = 0;
      for (int i = 0; i < PHOTOS; i++) {
        for (long[] eval : evaluation) {
          boolean near = Long.bitCount(training[i] ^ eval[0]) <= t;
          boolean copy = eval[1] == i;
          truePositive += near && copy ? 1 : 0;
          falsePositive += near && !copy ? 1 : 0;
          falseNegative += !near && copy ? 1 : 0;
        }
      }
      double precision =
          truePositive == 0 ? 0 : (double) truePositive / (truePositive + falsePositive);
      double recall = (double) truePositive / (truePositive + falseNegative);
      report.append(
          String.format(
              "  threshold %2d: precision %.4f recall %.4f (tp %d, fp %d, fn %d)%n",
              t, precision, recall, truePositive, falsePositive, falseNegative));
      if (t == threshold) {
        defaultPrecision = precision;
        defaultRecall = recall;
      }
    }
    System.out.print(report);
    assertTrue(defaultPrecision >= 0.99, report.toString());
    assertTrue(defaultRecall >= 0.95, report.toString());
  }

  private static long hash(ImageDecoder decoder, byte[] bytes, int size)
      throws ImageRejectedException {
    return PerceptualHash.of(SquareResizer.resizeAndCenterCrop(decoder.decode(bytes), size));
  }
}
