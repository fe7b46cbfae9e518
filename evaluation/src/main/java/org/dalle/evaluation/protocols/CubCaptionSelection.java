package org.dalle.evaluation.protocols;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.dalle.pipelines.sources.ImageFileNames;
import org.dalle.pipelines.sources.Utf8Text;

/**
 * The CUB protocol's captions (DALL·E paper, section 3.2, following the text-to-image work on
 * CUB-200-2011 with the descriptions of Reed et al.): every unique caption of the test split.
 * Captions are compared after stripping and collapsing white space; the first occurrence in (image
 * path, line number) order is kept, so the file is the same on every run. The reference images are
 * all test images.
 *
 * <p>The variant without the images that overlap the training data ({@link EvaluationOverlap})
 * selects the same way from the remaining test images: a caption that an excluded image shared with
 * a later one is kept from the later image.
 */
final class CubCaptionSelection {
  /** Reads a text file by its path relative to {@code ROOT/text/}; empty when it is absent. */
  @FunctionalInterface
  interface TextFiles {
    Optional<byte[]> read(String relativePath) throws IOException;
  }

  /**
   * The caption lines of every test image, read once for both variants.
   *
   * @param lines image path relative to {@code images/} → its caption lines (empty without text)
   */
  record TestCaptions(SortedMap<String, List<String>> lines) {
    TestCaptions {
      lines = new TreeMap<>(lines);
    }
  }

  /**
   * @param captions the unique captions in (image path, line) order
   * @param referenceImages every selected test image, sorted
   * @param testImages test images selected (all of them, or those not excluded)
   * @param imagesWithoutText selected test images whose text file is missing or has no caption
   * @param lines non-blank caption lines read
   * @param duplicates lines dropped because an earlier line had the same caption
   */
  record Result(
      List<EvaluationCaption> captions,
      List<String> referenceImages,
      long testImages,
      long imagesWithoutText,
      long lines,
      long duplicates) {}

  private CubCaptionSelection() {}

  /**
   * @param splits image path relative to {@code images/} → "train" or "test" ({@code CubSplits})
   * @throws IllegalArgumentException when the split has no test images or a text file is not UTF-8
   */
  static TestCaptions read(Map<String, String> splits, TextFiles text) throws IOException {
    SortedMap<String, List<String>> lines = new TreeMap<>();
    for (Map.Entry<String, String> entry : splits.entrySet()) {
      if (entry.getValue().equals("test")) {
        lines.put(entry.getKey(), List.of());
      }
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(
          "the CUB split lists no test images (train_test_split.txt flag 0); expected the"
              + " official split of CUB-200-2011");
    }
    for (Map.Entry<String, List<String>> image : lines.entrySet()) {
      String textPath = ImageFileNames.captionFileName(image.getKey());
      Optional<byte[]> bytes = text.read(textPath);
      if (bytes.isPresent()) {
        image.setValue(Utf8Text.lines(decode(bytes.get(), textPath)));
      }
    }
    return new TestCaptions(lines);
  }

  /**
   * @param excluded test images (paths relative to {@code images/}) left out of the selection
   * @param imagesDir the {@code images/} directory, prefixed to each image path
   */
  static Result select(TestCaptions test, Set<String> excluded, String imagesDir) {
    String prefix = imagesDir.endsWith("/") ? imagesDir : imagesDir + "/";
    Set<String> seen = new HashSet<>();
    List<EvaluationCaption> captions = new ArrayList<>();
    List<String> references = new ArrayList<>();
    long withoutText = 0;
    long lines = 0;
    long duplicates = 0;
    for (Map.Entry<String, List<String>> entry : test.lines().entrySet()) {
      String image = entry.getKey();
      if (excluded.contains(image)) {
        continue;
      }
      references.add(prefix + image);
      List<String> imageLines = entry.getValue();
      int kept = 0;
      for (int i = 0; i < imageLines.size(); i++) {
        String caption = imageLines.get(i).strip().replaceAll("\\s+", " ");
        if (caption.isEmpty()) {
          continue;
        }
        lines++;
        kept++;
        if (!seen.add(caption)) {
          duplicates++;
          continue;
        }
        captions.add(new EvaluationCaption(image + "#" + (i + 1), caption, prefix + image));
      }
      if (kept == 0) {
        withoutText++;
      }
    }
    return new Result(captions, references, references.size(), withoutText, lines, duplicates);
  }

  private static String decode(byte[] bytes, String textPath) {
    try {
      return Utf8Text.decode(bytes);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException(
          "text/"
              + textPath
              + " is not valid UTF-8 ("
              + e.getMessage()
              + "); expected the CUB"
              + " descriptions of Reed et al. as UTF-8 text",
          e);
    }
  }
}
