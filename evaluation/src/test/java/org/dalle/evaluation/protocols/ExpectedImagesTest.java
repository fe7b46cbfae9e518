package org.dalle.evaluation.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The images eval-features will read, counted before it runs for its progress line's total. */
class ExpectedImagesTest {
  @TempDir Path dir;

  private static long expected(String spec) {
    return ReadImageInputs.expectedImages(ImageInput.parse(spec));
  }

  @Test
  void aFolderCountsItsImageFilesButNotItsSubfolders() throws IOException {
    Files.write(dir.resolve("a.png"), new byte[] {1});
    Files.write(dir.resolve("b.jpeg"), new byte[] {2});
    Files.writeString(dir.resolve("b.txt"), "a caption");
    Files.createDirectories(dir.resolve("nested"));
    Files.write(dir.resolve("nested/c.png"), new byte[] {3});
    assertEquals(2, expected("folder:" + dir));
  }

  @Test
  void aListCountsItsEntriesNotItsCommentsOrBlankLines() throws IOException {
    Path list = dir.resolve("reference_images.txt");
    Files.writeString(list, "# the reference set\na.png\n\n  b.png\n/abs/c.jpg\n");
    assertEquals(3, expected("list:" + list));
  }

  @Test
  void avroRecordsAreNotCountedAhead() {
    assertEquals(0, expected("avro:" + dir + "/images/*.avro"));
  }
}
