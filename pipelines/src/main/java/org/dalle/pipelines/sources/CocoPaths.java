package org.dalle.pipelines.sources;

import java.util.ArrayList;
import java.util.List;

/**
 * The two paths of a {@code coco:ANNOTATIONS_JSON:IMAGES_DIR} spec. They are separated by the one
 * ':' that does not start a URI's "://", so {@code gs://b/captions.json:gs://b/train2014} splits
 * into {@code gs://b/captions.json} and {@code gs://b/train2014}.
 *
 * @param annotations the captions JSON file ({@code captions_train2014.json})
 * @param imagesDir the directory holding the files named by {@code images[].file_name}
 */
record CocoPaths(String annotations, String imagesDir) {
  private static final String FORM =
      "expected 'coco:ANNOTATIONS_JSON:IMAGES_DIR', e.g. "
          + "'coco:/data/coco/annotations/captions_train2014.json:/data/coco/train2014' or "
          + "'coco:gs://bucket/captions_val2014.json:gs://bucket/val2014'";

  /** Splits the argument after {@code coco:}. */
  static CocoPaths parse(String argument) {
    if (argument == null || argument.isBlank()) {
      throw new IllegalArgumentException("source 'coco:' has no paths; " + FORM);
    }
    List<Integer> separators = new ArrayList<>();
    for (int i = argument.indexOf(':'); i >= 0; i = argument.indexOf(':', i + 1)) {
      if (!argument.startsWith("//", i + 1)) {
        separators.add(i);
      }
    }
    if (separators.size() != 1) {
      throw new IllegalArgumentException(
          "source 'coco:"
              + argument
              + "' has "
              + separators.size()
              + " ':' separators outside '://' where exactly one must separate the annotations"
              + " file from the images directory; "
              + FORM);
    }
    int at = separators.get(0);
    String annotations = argument.substring(0, at);
    String imagesDir = argument.substring(at + 1);
    if (annotations.isBlank() || imagesDir.isBlank()) {
      throw new IllegalArgumentException(
          "source 'coco:"
              + argument
              + "' has an empty "
              + (annotations.isBlank() ? "annotations path" : "images directory")
              + "; "
              + FORM);
    }
    return new CocoPaths(annotations, imagesDir);
  }
}
