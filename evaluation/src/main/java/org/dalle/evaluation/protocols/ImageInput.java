package org.dalle.evaluation.protocols;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * Where the feature pipeline reads images from, parsed from a spec:
 *
 * <ul>
 *   <li>{@code folder:DIR} (or a local directory given as is): every image file (png, jpg, jpeg,
 *       bmp, gif) directly in DIR, keyed by file name;
 *   <li>{@code list:FILE} (or a path ending in {@code .txt}): the images named one per line in FILE
 *       (absolute, a URI such as {@code gs://…}, or relative to FILE's directory; blank lines and
 *       lines starting with # skipped), keyed by the line, such as the {@code reference_images.txt}
 *       of {@code dalle eval-captions};
 *   <li>{@code avro:GLOB} (or a path ending in {@code .avro}): Avro records with an image field
 *       ({@link AvroImageRecords}), e.g. a prepare output's {@code images/*.avro}, keyed by id.
 * </ul>
 *
 * @param kind how to read
 * @param location the directory, list file or file pattern
 */
public record ImageInput(Kind kind, String location) implements Serializable {
  public enum Kind {
    FOLDER,
    LIST,
    AVRO;

    String prefix() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final String FORM =
      "expected folder:DIR, list:FILE (one image path per line) or avro:GLOB";

  /**
   * @throws IllegalArgumentException for a spec that names no input of these kinds
   */
  public static ImageInput parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("no images given; " + FORM);
    }
    for (Kind kind : Kind.values()) {
      String prefix = kind.prefix() + ":";
      if (spec.startsWith(prefix)) {
        String location = spec.substring(prefix.length());
        if (location.isBlank()) {
          throw new IllegalArgumentException("images '" + spec + "' has no path; " + FORM);
        }
        return new ImageInput(kind, location);
      }
    }
    String lower = spec.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".avro")) {
      return new ImageInput(Kind.AVRO, spec);
    }
    if (lower.endsWith(".txt")) {
      return new ImageInput(Kind.LIST, spec);
    }
    if (!spec.contains("://") && Files.isDirectory(Paths.get(spec))) {
      return new ImageInput(Kind.FOLDER, spec);
    }
    throw new IllegalArgumentException(
        "images '" + spec + "' is not a local directory, a .txt list or .avro files; " + FORM);
  }

  /** The source name recorded in dead letters, e.g. {@code folder}. */
  public String sourceName() {
    return kind.prefix();
  }

  @Override
  public String toString() {
    return kind.prefix() + ":" + location;
  }
}
