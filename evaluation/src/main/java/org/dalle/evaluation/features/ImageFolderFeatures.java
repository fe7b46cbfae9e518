package org.dalle.evaluation.features;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.dalle.evaluation.blur.PilGaussianBlur;
import org.dalle.evaluation.metrics.FeatureMatrix;
import org.dalle.pipelines.image.ImageDecoder;
import org.dalle.pipelines.image.ImageRejectedException;

/**
 * Features of every image file directly in a folder (sorted by name; png, jpg, jpeg, bmp, gif),
 * each optionally blurred as PIL blurs ({@link PilGaussianBlur}) before the feature network sees
 * it, in batches.
 */
public final class ImageFolderFeatures {
  private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "webp");
  private static final long MAX_PIXELS = 89_478_485; // PIL's decompression-bomb limit

  private ImageFolderFeatures() {}

  /** The image files of a folder, sorted by name. */
  public static List<Path> imageFiles(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IllegalArgumentException(folder + " is not a folder of images");
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> listing = Files.list(folder)) {
      listing
          .filter(Files::isRegularFile)
          .filter(path -> EXTENSIONS.contains(extension(path)))
          .sorted()
          .forEach(files::add);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          folder + " holds no image files; expected " + EXTENSIONS + " files");
    }
    return files;
  }

  /**
   * @param blur applied to every image before preprocessing; radius 0 leaves them unchanged
   * @throws IllegalArgumentException naming an image file that cannot be decoded
   */
  public static FeatureMatrix extract(
      Path folder, FeatureNetwork network, PilGaussianBlur blur, int batchSize) throws IOException {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1 but was " + batchSize);
    }
    List<Path> files = imageFiles(folder);
    ImageDecoder decoder = new ImageDecoder(MAX_PIXELS);
    double[] values = null;
    int dimension = 0;
    for (int start = 0; start < files.size(); start += batchSize) {
      List<BufferedImage> batch = new ArrayList<>();
      for (Path file : files.subList(start, Math.min(files.size(), start + batchSize))) {
        BufferedImage image;
        try {
          image = decoder.decode(Files.readAllBytes(file));
        } catch (ImageRejectedException e) {
          throw new IllegalArgumentException(
              file + " could not be read as an image: " + e.getMessage(), e);
        }
        batch.add(blur.isIdentity() ? image : blur.image(image));
      }
      FeatureMatrix features = network.forward(batch).features();
      if (values == null) {
        dimension = features.columns();
        values = new double[files.size() * dimension];
      }
      System.arraycopy(features.values(), 0, values, start * dimension, features.values().length);
    }
    return new FeatureMatrix(files.size(), dimension, values);
  }

  private static String extension(Path path) {
    String name = path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
