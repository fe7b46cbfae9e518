package org.dalle.pipelines.sources;

import static org.dalle.pipelines.sources.SourceFixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.Compression;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.dalle.pipelines.sources.WebDatasetShardReader.Outcome;
import org.dalle.pipelines.sources.WebDatasetShardReader.Sample;
import org.junit.jupiter.api.Test;

class WebDatasetShardReaderTest {
  @Test
  void keysArePathsUpToTheFirstDotOfTheBaseName() {
    assertEquals("dir.v1/000123", WebDatasetShardReader.keyOf("dir.v1/000123.seg.JPG"));
    assertEquals("seg.jpg", WebDatasetShardReader.fieldOf("dir.v1/000123.seg.JPG"));
    assertEquals("README", WebDatasetShardReader.keyOf("README"));
    assertEquals("", WebDatasetShardReader.fieldOf("README"));
  }

  @Test
  void groupsAdjacentFilesOfAKeyAndStartsAgainOnARepeatedField() throws IOException {
    List<Map.Entry<String, byte[]>> entries =
        List.of(
            Map.entry("a.jpg", utf8("A")),
            Map.entry("a.txt", utf8("caption a")),
            Map.entry("b.png", utf8("B")),
            Map.entry("b.PNG", utf8("B again")));
    List<Sample> samples = new ArrayList<>();

    Outcome outcome =
        WebDatasetShardReader.read(
            new ByteArrayInputStream(SourceFixtures.tar(entries)),
            Compression.UNCOMPRESSED,
            samples::add);

    assertEquals(3, outcome.samples());
    assertNull(outcome.damage());
    assertEquals(List.of("a", "b", "b"), samples.stream().map(Sample::key).toList());
    assertEquals(List.of("jpg", "txt"), List.copyOf(samples.get(0).fields().keySet()));
    assertArrayEquals(utf8("caption a"), samples.get(0).fields().get("txt"));
    assertArrayEquals(utf8("B again"), samples.get(2).fields().get("png"));
  }

  @Test
  void aShardCutBetweenEntriesIsDamageAndItsLastSampleIsHeldBack() throws IOException {
    byte[] whole =
        SourceFixtures.tar(
            List.of(
                Map.entry("a.jpg", utf8("A")),
                Map.entry("b.jpg", utf8("B")),
                Map.entry("b.txt", utf8("caption b"))));
    // Each entry is a 512-byte header and its data padded to 512 bytes; cut before b.txt.
    byte[] cut = Arrays.copyOf(whole, 4 * 512);
    List<Sample> samples = new ArrayList<>();

    Outcome outcome =
        WebDatasetShardReader.read(
            new ByteArrayInputStream(cut), Compression.UNCOMPRESSED, samples::add);

    assertEquals(List.of("a"), samples.stream().map(Sample::key).toList());
    assertEquals(1, outcome.samples());
    assertEquals(
        "the archive stops without its end-of-archive marker (sample b may be incomplete)",
        outcome.damage());
  }

  @Test
  void anEntryClaimingMoreThanTheLimitIsDamageNotAnAllocation() throws IOException {
    TarArchiveEntry huge = new TarArchiveEntry("big.jpg");
    huge.setSize(WebDatasetShardReader.MAX_ENTRY_BYTES + 1);
    byte[] header = new byte[512];
    huge.writeEntryHeader(header);

    Outcome outcome =
        WebDatasetShardReader.read(
            new ByteArrayInputStream(header), Compression.UNCOMPRESSED, sample -> {});

    assertEquals(0, outcome.samples());
    assertEquals(
        "entry big.jpg claims 268435457 bytes, more than the 268435456 a sample file may have"
            + " (sample big incomplete)",
        outcome.damage());
  }

  @Test
  void reportsGarbageAsDamageButRethrowsAFailingStorage() throws IOException {
    byte[] garbage = new byte[2048];
    Arrays.fill(garbage, (byte) 'x');
    Outcome damaged =
        WebDatasetShardReader.read(
            new ByteArrayInputStream(garbage), Compression.UNCOMPRESSED, sample -> {});
    assertEquals(0, damaged.samples());
    assertTrue(damaged.damage().startsWith("before the first entry: "), damaged.damage());

    IOException networkError = new IOException("connection reset");
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw networkError;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            throw networkError;
          }
        };
    IOException thrown =
        assertThrows(
            IOException.class,
            () -> WebDatasetShardReader.read(failing, Compression.UNCOMPRESSED, sample -> {}));
    assertSame(networkError, thrown);
  }
}
