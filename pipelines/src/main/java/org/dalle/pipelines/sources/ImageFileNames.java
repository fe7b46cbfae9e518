package org.dalle.pipelines.sources;

import java.util.Locale;
import java.util.Set;

/** Which file names the directory sources read as images, and where their captions live. */
public final class ImageFileNames {
  static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "webp");

  private ImageFileNames() {}

  /** True when the file name ends in one of {@link #IMAGE_EXTENSIONS}, ignoring case. */
  public static boolean isImage(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot >= 0
        && IMAGE_EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** {@code cat.jpg} → {@code cat.txt}; only the last extension is replaced. */
  public static String captionFileName(String imageFileName) {
    return imageFileName.substring(0, imageFileName.lastIndexOf('.')) + ".txt";
  }
}
