package org.dalle.evaluation.protocols;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The evaluation images of one source that overlap the training data, read from the list the
 * prepare stage writes ({@code dedup/evaluation_overlap.txt} of a {@code dalle prepare
 * --dedup-against coco:…} or {@code --dedup-against cub:…} run): one evaluation record per line as
 * {@code <source>/<source key>}. A {@code coco} source key is {@code <file_name>#<annotation id>},
 * a {@code cub} one {@code <class>/<name>.jpg#<line number>}; an image without captions is keyed by
 * its name alone. Lines of other sources are counted and otherwise ignored, so one list made
 * against both data sets serves both protocols.
 *
 * <p>The DALL·E paper reports FID on MS-COCO and on CUB with and without these images (section 3.2;
 * about 12% of CUB has a near-duplicate in its training data).
 *
 * @param source the source kind whose lines were read: {@code coco} or {@code cub}
 * @param images the overlapping images: MS-COCO file names such as {@code
 *     COCO_val2014_000000000042.jpg}, CUB paths relative to {@code images/} such as {@code
 *     001.Black_footed_Albatross/Black_Footed_Albatross_0001_796111.jpg}
 * @param otherSourceLines lines naming records of another source
 */
record EvaluationOverlap(String source, Set<String> images, long otherSourceLines) {
  static final String FILE_NAME = "evaluation_overlap.txt";

  EvaluationOverlap {
    images = Set.copyOf(images);
  }

  /** Parses the lines of the overlap list for one source kind; blank lines are skipped. */
  static EvaluationOverlap parse(List<String> lines, String source) {
    String prefix = source + "/";
    Set<String> images = new HashSet<>();
    long other = 0;
    for (String line : lines) {
      String entry = line.strip();
      if (entry.isEmpty()) {
        continue;
      }
      if (!entry.startsWith(prefix)) {
        other++;
        continue;
      }
      String key = entry.substring(prefix.length());
      int hash = key.lastIndexOf('#');
      boolean numbered = hash >= 0 && key.substring(hash + 1).matches("[0-9]+");
      images.add(numbered ? key.substring(0, hash) : key);
    }
    return new EvaluationOverlap(source, images, other);
  }
}
