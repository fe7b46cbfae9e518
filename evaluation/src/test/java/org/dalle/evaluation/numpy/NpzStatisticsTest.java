package org.dalle.evaluation.numpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.dalle.evaluation.metrics.FeatureStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzStatisticsTest {
  private static final double[] MU = {1.5, -2.0, 0.25};
  private static final double[] SIGMA = {2.0, 0.5, 0.0, 0.5, 1.0, -0.25, 0.0, -0.25, 3.0};

  @Test
  void readsStatisticsWrittenByNpSavez() throws IOException {
    // np.savez("numpy_stats.npz", mu=MU, sigma=SIGMA) with numpy 1.24
    FeatureStatistics statistics = NpzStatistics.read(NpyFormatTest.resource("numpy_stats.npz"));
    assertArrayEquals(MU, statistics.mu());
    assertArrayEquals(SIGMA, statistics.sigma());
    assertTrue(statistics.sampleCount().isEmpty());
  }

  @Test
  void writesEntriesByteForByteAsNpSavezAndReadsThemBack(@TempDir Path dir) throws IOException {
    Path written = dir.resolve("out/stats.npz");
    NpzStatistics.write(written, FeatureStatistics.of(MU, SIGMA));
    Map<String, byte[]> ours = entries(written);
    Map<String, byte[]> numpy = entries(NpyFormatTest.resource("numpy_stats.npz"));
    assertEquals(numpy.keySet(), ours.keySet());
    for (String name : numpy.keySet()) {
      assertArrayEquals(numpy.get(name), ours.get(name), name);
    }
    try (ZipFile zip = new ZipFile(written.toFile())) {
      assertEquals(ZipEntry.STORED, zip.getEntry("sigma.npy").getMethod());
    }
    FeatureStatistics back = NpzStatistics.read(written);
    assertArrayEquals(MU, back.mu());
    assertArrayEquals(SIGMA, back.sigma());
    try (var files = Files.list(written.getParent())) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void namesTheMissingArrayOrTheBadShape(@TempDir Path dir) throws IOException {
    Path onlyMu = dir.resolve("only-mu.npz");
    writeZip(onlyMu, Map.of("mu.npy", NpyFormat.toBytes(new NpyArray(new int[] {3}, MU))));
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> NpzStatistics.read(onlyMu));
    assertTrue(error.getMessage().contains("no 'sigma' array"), error.getMessage());

    Path badShape = dir.resolve("bad-shape.npz");
    writeZip(
        badShape,
        Map.of(
            "mu.npy", NpyFormat.toBytes(new NpyArray(new int[] {3}, MU)),
            "sigma.npy", NpyFormat.toBytes(new NpyArray(new int[] {9}, SIGMA))));
    error = assertThrows(IllegalArgumentException.class, () -> NpzStatistics.read(badShape));
    assertTrue(error.getMessage().contains("expected (3, 3)"), error.getMessage());
  }

  private static Map<String, byte[]> entries(Path path) throws IOException {
    Map<String, byte[]> entries = new HashMap<>();
    try (ZipFile zip = new ZipFile(path.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        entries.put(entry.getName(), zip.getInputStream(entry).readAllBytes());
      }
    }
    return entries;
  }

  private static void writeZip(Path path, Map<String, byte[]> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(path);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue());
        zip.closeEntry();
      }
    }
  }
}
