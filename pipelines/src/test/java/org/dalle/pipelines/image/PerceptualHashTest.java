package org.dalle.pipelines.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * Near-duplicates hash a few bits apart, unrelated pictures about half of the 64 bits apart. The
 * distances are printed for the record.
 */
class PerceptualHashTest {
  private static final int SIZE = 256;
  private final ImageDecoder decoder = new ImageDecoder(1_000_000);

  @Test
  void sameImageHasTheSameHash() {
    BufferedImage image = TestImages.photoLike(SIZE, SIZE, 21);
    long hash = PerceptualHash.of(image);
    assertEquals(hash, PerceptualHash.of(TestImages.photoLike(SIZE, SIZE, 21)));
    assertEquals(0, PerceptualHash.distance(hash, hash));
    assertEquals(1L, hash & 1L, "the DC bit is set for ordinary images");
  }

  @Test
  void nearDuplicatesAreClose() throws Exception {
    int worst = 0;
    for (long seed = 30; seed < 40; seed++) {
      BufferedImage original = TestImages.photoLike(SIZE, SIZE, seed);
      long hash = PerceptualHash.of(original);
      int halved = distance(hash, SquareResizer.resizeAndCenterCrop(original, SIZE / 2));
      int recompressed = distance(hash, decoder.decode(TestImages.jpeg(original, 0.6f)));
      int inset = (int) Math.round(SIZE * 0.025); // 5% of the side cropped in all, centred
      int cropped =
          distance(
              hash, copy(original.getSubimage(inset, inset, SIZE - 2 * inset, SIZE - 2 * inset)));
      int brighter = distance(hash, brighter(original, 10));
      System.out.printf(
          "pHash distance seed %d: resize 0.5x %d, JPEG q0.6 %d, 5%% crop %d, brightness +10 %d%n",
          seed, halved, recompressed, cropped, brighter);
      worst =
          Math.max(worst, Math.max(Math.max(halved, recompressed), Math.max(cropped, brighter)));
    }
    assertTrue(worst <= 10, "largest near-duplicate distance " + worst);
  }

  @Test
  void unrelatedImagesAreAboutHalfTheBitsApart() {
    long[] hashes = new long[12];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = PerceptualHash.of(TestImages.photoLike(SIZE, SIZE, 100 + i));
    }
    int pairs = 0;
    int sum = 0;
    int closest = 64;
    for (int i = 0; i < hashes.length; i++) {
      for (int j = i + 1; j < hashes.length; j++) {
        int d = PerceptualHash.distance(hashes[i], hashes[j]);
        sum += d;
        pairs++;
        closest = Math.min(closest, d);
      }
    }
    double mean = (double) sum / pairs;
    System.out.printf(
        "pHash distance between unrelated images: mean %.1f, min %d over %d pairs%n",
        mean, closest, pairs);
    assertTrue(mean > 24 && mean < 40, "mean distance " + mean);
    assertTrue(closest > 12, "closest unrelated pair " + closest);
  }

  @Test
  void distanceCountsDifferingBits() {
    assertEquals(0, PerceptualHash.distance(0L, 0L));
    assertEquals(64, PerceptualHash.distance(0L, -1L));
    assertEquals(3, PerceptualHash.distance(0b1011L, 0b0000L));
  }

  private static int distance(long hash, BufferedImage other) {
    return PerceptualHash.distance(hash, PerceptualHash.of(other));
  }

  private static BufferedImage copy(BufferedImage view) {
    BufferedImage out =
        new BufferedImage(view.getWidth(), view.getHeight(), BufferedImage.TYPE_INT_RGB);
    out.getGraphics().drawImage(view, 0, 0, null);
    return out;
  }

  private static BufferedImage brighter(BufferedImage image, int delta) {
    BufferedImage out =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    int[] src = RgbConverter.intPixels(image);
    int[] dst = RgbConverter.intPixels(out);
    for (int i = 0; i < src.length; i++) {
      int p = src[i];
      int r = Math.min(255, ((p >> 16) & 0xFF) + delta);
      int g = Math.min(255, ((p >> 8) & 0xFF) + delta);
      int b = Math.min(255, (p & 0xFF) + delta);
      dst[i] = (r << 16) | (g << 8) | b;
    }
    return out;
  }
}
