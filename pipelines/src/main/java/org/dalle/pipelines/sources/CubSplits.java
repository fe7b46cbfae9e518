package org.dalle.pipelines.sources;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads the official CUB-200-2011 split: {@code images.txt} ("&lt;image_id&gt; &lt;relative
 * path&gt;" per line) joined with {@code train_test_split.txt} ("&lt;image_id&gt; &lt;1 = train, 0
 * = test&gt;"). The CUB evaluation protocol of the paper (section 3.1) samples from the test
 * captions.
 */
public final class CubSplits {
  public static final String IMAGES_FILE = "images.txt";
  public static final String SPLIT_FILE = "train_test_split.txt";

  private CubSplits() {}

  /** Maps each image path relative to {@code images/} to "train" or "test". */
  public static Map<String, String> parse(String imagesTxt, String splitTxt) {
    Map<String, String> pathById = parseLines(imagesTxt, IMAGES_FILE, "<image_id> <relative path>");
    Map<String, String> flagById = parseLines(splitTxt, SPLIT_FILE, "<image_id> <1|0>");
    Map<String, String> splitByPath = new HashMap<>();
    for (Map.Entry<String, String> image : pathById.entrySet()) {
      String flag = flagById.get(image.getKey());
      if (flag == null) {
        throw new IllegalArgumentException(
            IMAGES_FILE + " lists image id " + image.getKey() + " that " + SPLIT_FILE + " lacks");
      }
      splitByPath.put(
          image.getValue(),
          switch (flag) {
            case "1" -> "train";
            case "0" -> "test";
            default ->
                throw new IllegalArgumentException(
                    SPLIT_FILE
                        + " gives image id "
                        + image.getKey()
                        + " the flag '"
                        + flag
                        + "'; expected 1 (train) or 0 (test)");
          });
    }
    for (String id : flagById.keySet()) {
      if (!pathById.containsKey(id)) {
        throw new IllegalArgumentException(
            SPLIT_FILE + " lists image id " + id + " that " + IMAGES_FILE + " lacks");
      }
    }
    return splitByPath;
  }

  /** Parses "&lt;id&gt; &lt;value&gt;" lines, skipping blank ones; ids must be unique. */
  private static Map<String, String> parseLines(String text, String fileName, String form) {
    Map<String, String> valueById = new HashMap<>();
    int lineNumber = 0;
    for (String line : Utf8Text.lines(text)) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.strip().split("\\s+", 2);
      if (fields.length != 2) {
        throw new IllegalArgumentException(
            fileName + " line " + lineNumber + " is '" + line + "'; expected '" + form + "'");
      }
      if (valueById.put(fields[0], fields[1]) != null) {
        throw new IllegalArgumentException(
            fileName + " line " + lineNumber + " repeats image id " + fields[0]);
      }
    }
    return valueById;
  }
}
