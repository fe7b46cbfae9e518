package org.dalle.jobs.dvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.dalle.pipelines.prepare.PreparedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingImagesTest {

  @TempDir Path dir;

  /** Two 4×4 "images" whose value at (c, y, x) is 100·image + 16·c + 4·y + x, scaled to [0, 1]. */
  private static TrainingImages numbered(int crop) {
    float[] pixels = new float[2 * 3 * 16];
    for (int i = 0; i < pixels.length; i++) {
      int image = i / 48;
      int within = i % 48;
      pixels[i] = (100 * image + within) / 255f;
    }
    return new TrainingImages(pixels, 2, 4, crop);
  }

  private static float[] values(int... numbers) {
    float[] out = new float[numbers.length];
    for (int i = 0; i < numbers.length; i++) {
      out[i] = numbers[i] / 255f;
    }
    return out;
  }

  @Test
  void copiesTheRequestedWindowOfEveryChannel() {
    TrainingImages images = numbered(2);
    assertEquals(3, images.cropPositions());
    float[] target = new float[images.imageFloats()];
    images.copyTo(1, false, 2, 1, target, 0);
    // image 1, rows 1-2, columns 2-3, for channels 0, 1, 2
    assertArrayEquals(
        values(106, 107, 110, 111, 122, 123, 126, 127, 138, 139, 142, 143), target, 0f);
  }

  @Test
  void flipsMirrorTheWindowItself() {
    TrainingImages images = numbered(2);
    float[] target = new float[images.imageFloats()];
    images.copyTo(0, true, 0, 0, target, 0);
    assertArrayEquals(values(1, 0, 5, 4, 17, 16, 21, 20, 33, 32, 37, 36), target, 0f);
  }

  @Test
  void centreCropsAreWhatTheFigureShows() {
    TrainingImages images = numbered(2);
    float[] centre = images.centreCrops();
    float[] expected = new float[centre.length];
    images.copyTo(0, false, 1, 1, expected, 0);
    images.copyTo(1, false, 1, 1, expected, images.imageFloats());
    assertArrayEquals(expected, centre, 0f);
    TrainingImages whole = numbered(4);
    assertEquals(1, whole.cropPositions());
    assertEquals(96, whole.centreCrops().length);
  }

  @Test
  void rejectsOffsetsOutsideTheImage() {
    TrainingImages images = numbered(2);
    float[] target = new float[images.imageFloats()];
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> images.copyTo(0, false, 3, 0, target, 0));
    assertTrue(e.getMessage().contains("outside [0, 3)"), e.getMessage());
  }

  @Test
  void loadsLargerImagesForCroppingAndRejectsSmallerOnes() throws IOException {
    ShapeData.write(dir, 4, 12);
    TrainingImages images = TrainingImages.load(PreparedData.open(dir.toString()), 8);
    assertEquals(12, images.size());
    assertEquals(8, images.crop());
    assertEquals(5, images.cropPositions());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TrainingImages.load(PreparedData.open(dir.toString()), 16));
    assertTrue(e.getMessage().contains("at least 16x16"), e.getMessage());
  }
}
