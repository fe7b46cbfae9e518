package org.dalle.evaluation.protocols;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The MS-COCO images that overlap the training data, read from the list the prepare stage writes
 * ({@code dedup/evaluation_overlap.txt} of a {@code dalle prepare --dedup-against coco:…} run): one
 * evaluation record per line as {@code <source>/<source key>}, where a {@code coco} source key is
 * {@code <file_name>#<annotation id>} (or {@code <file_name>} for an image without captions). Lines
 * of other sources are counted and otherwise ignored.
 *
 * @param fileNames the overlapping images' file names, e.g. {@code COCO_val2014_000000000042.jpg}
 * @param otherSourceLines lines naming records of another source (e.g. {@code cub/…})
 */
record CocoOverlap(Set<String> fileNames, long otherSourceLines) {
  static final String FILE_NAME = "evaluation_overlap.txt";
  private static final String PREFIX = "coco/";

  CocoOverlap {
    fileNames = Set.copyOf(fileNames);
  }

  static CocoOverlap none() {
    return new CocoOverlap(Set.of(), 0);
  }

  /** Parses the lines of the overlap list; blank lines are skipped. */
  static CocoOverlap parse(List<String> lines) {
    Set<String> names = new HashSet<>();
    long other = 0;
    for (String line : lines) {
      String entry = line.strip();
      if (entry.isEmpty()) {
        continue;
      }
      if (!entry.startsWith(PREFIX)) {
        other++;
        continue;
      }
      String key = entry.substring(PREFIX.length());
      int hash = key.lastIndexOf('#');
      boolean annotated = hash >= 0 && key.substring(hash + 1).matches("[0-9]+");
      names.add(annotated ? key.substring(0, hash) : key);
    }
    return new CocoOverlap(names, other);
  }
}
