package org.dalle.evaluation.protocols;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Tiny MS-COCO captions files and CUB trees in the real formats, written by the tests. */
final class CaptionFixtures {
  private CaptionFixtures() {}

  static String cocoFileName(long imageId) {
    return String.format("COCO_val2014_%012d.jpg", imageId);
  }

  /**
   * A captions_val2014.json with images 1..images, image i having (i % 4) + 2 captions (annotation
   * ids 100·i + k) except every seventh image, which has none, plus one annotation of an unknown
   * image; entries shuffled with {@code shuffleSeed} (0: file order).
   */
  static Path cocoAnnotations(Path dir, String name, int images, long shuffleSeed)
      throws IOException {
    List<String> imageEntries = new ArrayList<>();
    List<String> annotationEntries = new ArrayList<>();
    for (long id = 1; id <= images; id++) {
      imageEntries.add(
          "{\"license\": 3, \"file_name\": \""
              + cocoFileName(id)
              + "\", \"height\": 480, \"width\": 640, \"id\": "
              + id
              + "}");
      if (id % 7 == 0) {
        continue;
      }
      for (int k = 0; k < id % 4 + 2; k++) {
        annotationEntries.add(
            "{\"image_id\": "
                + id
                + ", \"id\": "
                + (100 * id + k)
                + ", \"caption\": \"caption "
                + k
                + " of image "
                + id
                + " \"}");
      }
    }
    annotationEntries.add("{\"image_id\": 99999, \"id\": 5, \"caption\": \"orphan\"}");
    if (shuffleSeed != 0) {
      Collections.shuffle(imageEntries, new Random(shuffleSeed));
      Collections.shuffle(annotationEntries, new Random(shuffleSeed + 1));
    }
    String json =
        "{\"info\": {\"year\": 2014}, \"images\": [\n"
            + String.join(",\n", imageEntries)
            + "], \"licenses\": [], \"annotations\": [\n"
            + String.join(",\n", annotationEntries)
            + "]}";
    return Files.writeString(dir.resolve(name), json, StandardCharsets.UTF_8);
  }

  /**
   * A CUB_200_2011 tree with two classes of three images each; images 2, 3 and 5 are in the test
   * split. Image 3 repeats a caption of image 2 (with other white space), image 5 has no text file.
   */
  static Path cub(Path dir) throws IOException {
    Path root = Files.createDirectories(dir.resolve("CUB_200_2011"));
    String[] paths = {
      "001.Albatross/Albatross_0001.jpg",
      "001.Albatross/Albatross_0002.jpg",
      "001.Albatross/Albatross_0003.jpg",
      "002.Auklet/Auklet_0001.jpg",
      "002.Auklet/Auklet_0002.jpg",
      "002.Auklet/Auklet_0003.jpg"
    };
    StringBuilder images = new StringBuilder();
    StringBuilder split = new StringBuilder();
    for (int i = 0; i < paths.length; i++) {
      images.append(i + 1).append(' ').append(paths[i]).append('\n');
      boolean test = i == 1 || i == 2 || i == 4;
      split.append(i + 1).append(' ').append(test ? 0 : 1).append('\n');
      Path image = root.resolve("images").resolve(paths[i]);
      Files.createDirectories(image.getParent());
      Files.write(image, new byte[] {1});
      if (i == 4) {
        continue;
      }
      Path text = root.resolve("text").resolve(paths[i].replace(".jpg", ".txt"));
      Files.createDirectories(text.getParent());
      String lines =
          switch (i) {
            case 1 -> "this bird is white.\nit has a long beak.\n\n";
            case 2 -> "a small bird.\r\nit  has a long beak. \r\n";
            default -> "training caption " + i + "\n";
          };
      Files.writeString(text, lines);
    }
    Files.writeString(root.resolve("images.txt"), images);
    Files.writeString(root.resolve("train_test_split.txt"), split);
    return root;
  }
}
