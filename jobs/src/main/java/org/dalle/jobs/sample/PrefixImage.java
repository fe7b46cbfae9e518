package org.dalle.jobs.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.pipelines.encode.ImagePixels;
import org.dalle.pipelines.image.RgbConverter;
import org.dalle.pipelines.image.SquareResizer;

/**
 * The known image tokens of image-to-image sampling (section 3.3 of the paper, Figure 14): the
 * image resized and centre-cropped to the dVAE's size as the prepare stage does, encoded to its
 * token grid, and the first {@code rows} rows kept in raster order.
 */
final class PrefixImage {

  private PrefixImage() {}

  /**
   * @return the first {@code rows · G} image tokens of the encoded image
   * @throws IllegalArgumentException when the file is not a readable image
   */
  static long[] tokens(Path file, DiscreteVae dvae, int rows, NDManager manager)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--prefix-image " + file + " does not exist");
    }
    BufferedImage read = ImageIO.read(file.toFile());
    if (read == null) {
      throw new IllegalArgumentException(
          "--prefix-image " + file + " is not an image this JVM can read; expected a PNG");
    }
    BufferedImage rgb = RgbConverter.toRgb(read); // alpha over white, as prepare does
    int size = dvae.config().imageSize();
    BufferedImage square =
        rgb.getWidth() == size && rgb.getHeight() == size
            ? rgb
            : SquareResizer.resizeAndCenterCrop(rgb, size);
    int grid = dvae.config().gridSize();
    try (NDManager scope = manager.newSubManager()) {
      NDArray pixels = scope.create(ImagePixels.channelsFirst(square), new Shape(1, 3, size, size));
      long[] codes = dvae.encode(pixels).toType(DataType.INT64, false).toLongArray();
      long[] kept = new long[rows * grid];
      System.arraycopy(codes, 0, kept, 0, kept.length);
      return kept;
    }
  }
}
