package org.dalle.evaluation.protocols;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code dalle eval-captions} selects and where it writes.
 *
 * @param protocol which protocol's captions
 * @param annotations MS-COCO: the captions file, {@code captions_val2014.json}
 * @param images MS-COCO: the directory of the validation images ({@code val2014/})
 * @param overlap the prepare stage's {@code dedup/evaluation_overlap.txt} ({@link
 *     EvaluationOverlap}), for the variant without the images that overlap training (MS-COCO and
 *     CUB)
 * @param cubRoot CUB: the {@code CUB_200_2011} directory with {@code images/}, {@code text/},
 *     {@code images.txt} and {@code train_test_split.txt}
 * @param count MS-COCO: captions (one per image) to choose; the paper uses 30,000
 * @param seed MS-COCO: seed of the image and caption choice
 * @param out output directory (local or any Beam file system)
 */
public record EvalCaptionsConfig(
    Protocol protocol,
    String annotations,
    String images,
    Optional<String> overlap,
    String cubRoot,
    int count,
    long seed,
    String out) {

  /** The evaluation protocols of the paper (section 3.2). */
  public enum Protocol {
    COCO30K,
    CUB;

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException for a name that is not a protocol
     */
    public static Protocol parse(String name) {
      for (Protocol protocol : values()) {
        if (protocol.cliName().equals(name)) {
          return protocol;
        }
      }
      throw new IllegalArgumentException(
          "unknown protocol '" + name + "'; expected coco30k (MS-COCO-30k) or cub (CUB-200-2011)");
    }
  }

  public static final int PAPER_COCO_COUNT = 30_000;

  /** Fails with every problem found, each naming the bad value and what was expected. */
  public EvalCaptionsConfig validate() {
    List<String> problems = new ArrayList<>();
    if (protocol == null) {
      problems.add("no protocol: give --protocol coco30k or cub");
    } else if (protocol == Protocol.COCO30K) {
      if (blank(annotations)) {
        problems.add("coco30k needs --annotations, the captions_val2014.json file");
      }
      if (blank(images)) {
        problems.add("coco30k needs --images, the val2014/ directory of the validation images");
      }
      if (count < 1) {
        problems.add("--count must be at least 1 but was " + count);
      }
      if (!blank(cubRoot)) {
        problems.add("--cub-root is for the cub protocol, not coco30k");
      }
    } else {
      if (blank(cubRoot)) {
        problems.add("cub needs --cub-root, the CUB_200_2011 directory");
      }
      if (!blank(annotations) || !blank(images)) {
        problems.add("--annotations and --images are for coco30k, not cub");
      }
    }
    if (blank(out)) {
      problems.add("no output directory: give --out DIR");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid eval-captions settings:\n  - " + String.join("\n  - ", problems));
    }
    return this;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
