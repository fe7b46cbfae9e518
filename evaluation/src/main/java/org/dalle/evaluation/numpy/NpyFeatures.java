package org.dalle.evaluation.numpy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.dalle.evaluation.metrics.FeatureMatrix;

/** Reads a feature array saved with {@code np.save}: 2-D, one row per image, float32 or float64. */
public final class NpyFeatures {
  private NpyFeatures() {}

  /**
   * @throws IllegalArgumentException when the array is not 2-D floating point
   */
  public static FeatureMatrix read(Path path) throws IOException {
    NpyArray array;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
      array = NpyFormat.read(in, path.toString());
    }
    if (array.rank() != 2) {
      throw new IllegalArgumentException(
          path
              + " holds an array of shape "
              + Arrays.toString(array.shape())
              + "; expected 2-D features (images, dimensions)");
    }
    return new FeatureMatrix(array.size(0), array.size(1), array.values());
  }
}
