package org.dalle.pipelines.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record counts that sources give before a prepare job runs, the total of its progress line:
 * exactly what each source will read, or nothing when only reading would tell.
 */
class ExpectedRecordsTest {
  private static final SourceConfig CONFIG = SourceConfig.builder().build();
  @TempDir Path dir;

  private static OptionalLong expected(String spec) {
    return SourceSpec.parse(spec, CONFIG).expectedRecords();
  }

  @Test
  void aSyntheticSourceRendersN() {
    assertEquals(OptionalLong.of(37), expected("synthetic:37,seed=3"));
  }

  @Test
  void aFolderReadsItsImageFilesInEverySubfolder() throws IOException {
    SourceFixtures.write(dir, "a.png", new byte[] {1});
    SourceFixtures.writeText(dir, "a.txt", "a caption");
    SourceFixtures.write(dir, "cats/b.JPG", new byte[] {2});
    SourceFixtures.write(dir, "cats/c.webp", new byte[] {3});
    SourceFixtures.writeText(dir, "notes.md", "not an image");
    assertEquals(OptionalLong.of(3), expected("folder:" + dir));
    assertEquals(OptionalLong.of(0), expected("folder:" + dir.resolve("missing")));
  }

  @Test
  void aUrlListReadsItsRowsNotItsHeaderOrMalformedLines() throws IOException {
    Path tsv = dir.resolve("list.tsv");
    Files.writeString(
        tsv,
        "url\tcaption\n"
            + "https://example.com/1.jpg\ta red square\n"
            + "a blue circle\thttps://example.com/2.jpg\n"
            + "no url here\tat all\n"
            + "\n"
            + "https://example.com/3.jpg\ta green star\n");
    assertEquals(OptionalLong.of(3), expected("tsv:" + tsv));
  }

  @Test
  void archivesAndAnnotationFilesAreNotCountedAhead() {
    assertEquals(OptionalLong.empty(), expected("webdataset:" + dir + "/*.tar"));
  }
}
