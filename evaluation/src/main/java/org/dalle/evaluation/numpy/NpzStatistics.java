package org.dalle.evaluation.numpy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.dalle.evaluation.metrics.FeatureStatistics;

/**
 * FID statistics files as pytorch-fid writes them ({@code np.savez(path, mu=mu, sigma=sigma)}): a
 * zip archive holding {@code mu.npy} (shape (d,)) and {@code sigma.npy} (shape (d, d)), float64
 * little-endian C order, stored uncompressed. Reading also accepts float32 arrays and compressed
 * archives ({@code np.savez_compressed}), so precomputed reference statistics can be reused.
 */
public final class NpzStatistics {
  private NpzStatistics() {}

  /**
   * @throws IllegalArgumentException when the file lacks {@code mu} or {@code sigma} or their
   *     shapes do not fit
   */
  public static FeatureStatistics read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(path.toString(), null, "no such statistics file");
    }
    Map<String, NpyArray> arrays = new HashMap<>();
    try (ZipInputStream zip =
        new ZipInputStream(new BufferedInputStream(Files.newInputStream(path)))) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        String name = entry.getName();
        if (name.equals("mu.npy") || name.equals("sigma.npy")) {
          arrays.put(name, NpyFormat.read(uncloseable(zip), path + ":" + name));
        }
      }
    }
    NpyArray mu = require(arrays, "mu.npy", path);
    NpyArray sigma = require(arrays, "sigma.npy", path);
    if (mu.rank() != 1) {
      throw new IllegalArgumentException(
          path + ": mu has shape " + Arrays.toString(mu.shape()) + "; expected (d,)");
    }
    int d = mu.size(0);
    if (sigma.rank() != 2 || sigma.size(0) != d || sigma.size(1) != d) {
      throw new IllegalArgumentException(
          path
              + ": sigma has shape "
              + Arrays.toString(sigma.shape())
              + "; expected ("
              + d
              + ", "
              + d
              + ") to match mu");
    }
    try {
      return FeatureStatistics.of(mu.values(), sigma.values());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code mu} and {@code sigma} atomically: to a temporary name, then renamed. */
  public static void write(Path path, FeatureStatistics statistics) throws IOException {
    Path absolute = path.toAbsolutePath();
    Path parent = absolute.getParent();
    Files.createDirectories(parent);
    Path temporary = Files.createTempFile(parent, "." + absolute.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temporary)) {
        write(out, statistics);
      }
      Files.move(
          temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Writes the {@code .npz} archive to a stream (left open), for file systems that {@link
   * #write(Path, FeatureStatistics)} cannot reach; the caller makes the write atomic.
   */
  public static void write(OutputStream out, FeatureStatistics statistics) throws IOException {
    int d = statistics.dimension();
    ZipOutputStream zip = new ZipOutputStream(out);
    putStored(zip, "mu.npy", NpyFormat.toBytes(new NpyArray(new int[] {d}, statistics.mu())));
    putStored(
        zip, "sigma.npy", NpyFormat.toBytes(new NpyArray(new int[] {d, d}, statistics.sigma())));
    zip.finish();
  }

  private static void putStored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED); // as np.savez does
    entry.setSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    zip.write(bytes);
    zip.closeEntry();
  }

  private static NpyArray require(Map<String, NpyArray> arrays, String name, Path path) {
    NpyArray array = arrays.get(name);
    if (array == null) {
      throw new IllegalArgumentException(
          path
              + " has no '"
              + name.replace(".npy", "")
              + "' array; expected an .npz with 'mu' and 'sigma' as pytorch-fid writes");
    }
    return array;
  }

  private static InputStream uncloseable(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }
}
