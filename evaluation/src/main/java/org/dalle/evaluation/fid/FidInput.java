package org.dalle.evaluation.fid;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One side of an FID comparison: a statistics file, a feature file or a folder of images. */
public record FidInput(Path path, Kind kind) {
  public enum Kind {
    /** {@code .npz} with {@code mu} and {@code sigma}, as pytorch-fid writes. */
    STATISTICS,
    /** {@code .npy} 2-D features, one row per image. */
    FEATURES,
    /** A folder of image files, put through the feature network. */
    IMAGES
  }

  /**
   * @throws IllegalArgumentException when the path is neither an existing folder nor an existing
   *     {@code .npz} or {@code .npy} file
   */
  public static FidInput of(Path path) {
    if (Files.isDirectory(path)) {
      return new FidInput(path, Kind.IMAGES);
    }
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    Kind kind =
        name.endsWith(".npz") ? Kind.STATISTICS : name.endsWith(".npy") ? Kind.FEATURES : null;
    if (kind == null) {
      throw new IllegalArgumentException(
          path + " is not an .npz statistics file, an .npy feature file or a folder of images");
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(path + " does not exist");
    }
    return new FidInput(path, kind);
  }

  public String kindName() {
    return kind.name().toLowerCase(Locale.ROOT);
  }
}
