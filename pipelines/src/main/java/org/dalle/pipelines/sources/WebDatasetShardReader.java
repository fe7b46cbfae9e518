package org.dalle.pipelines.sources;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.beam.sdk.io.Compression;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Groups the files of a WebDataset tar shard into samples the way WebDataset does: the key of
 * {@code dir/000123.seg.jpg} is {@code dir/000123} (the path up to the first '.' of the base name)
 * and its field is {@code seg.jpg}; consecutive files with the same key form one sample.
 *
 * <p>A corrupt or truncated shard is not an exception: the samples completed before the damage have
 * already been handed on, and {@link #read} returns a description of the damage. A failure of the
 * storage underneath (a network error) is thrown instead, so the runner retries the work rather
 * than recording a sound shard as corrupt.
 */
final class WebDatasetShardReader {
  /** Largest tar entry read into memory; a larger size field is treated as damage. */
  static final long MAX_ENTRY_BYTES = 256L << 20;

  /**
   * One sample.
   *
   * @param key the WebDataset key
   * @param fields file contents by lower-cased field name ({@code jpg}, {@code txt}, ...), in tar
   *     order
   */
  record Sample(String key, Map<String, byte[]> fields) {}

  /**
   * How reading a shard ended.
   *
   * @param samples samples handed on
   * @param damage null when the shard was read to its end, else what went wrong and where
   */
  record Outcome(int samples, String damage) {}

  private WebDatasetShardReader() {}

  /** The key of a tar entry name: its path up to the first '.' of the base name. */
  static String keyOf(String entryName) {
    int baseStart = entryName.lastIndexOf('/') + 1;
    int dot = entryName.indexOf('.', baseStart);
    return dot < 0 ? entryName : entryName.substring(0, dot);
  }

  /** The field of a tar entry name: what follows the key's '.', lower-cased; "" when none. */
  static String fieldOf(String entryName) {
    String key = keyOf(entryName);
    return key.length() == entryName.length()
        ? ""
        : entryName.substring(key.length() + 1).toLowerCase(Locale.ROOT);
  }

  /**
   * Reads the shard in {@code storage}, decompressing it per {@code compression}, and hands each
   * sample to {@code sink} as soon as it is complete.
   *
   * @throws IOException only when {@code storage} itself fails
   */
  static Outcome read(InputStream storage, Compression compression, Consumer<Sample> sink)
      throws IOException {
    int samples = 0;
    String entryName = null;
    String key = null;
    Map<String, byte[]> fields = new LinkedHashMap<>();
    try (InputStream tar =
            Channels.newInputStream(
                compression.readDecompressed(
                    Channels.newChannel(new StorageInputStream(storage))));
        EndCheckingTarInputStream entries = new EndCheckingTarInputStream(tar)) {
      for (TarArchiveEntry entry = entries.getNextEntry();
          entry != null;
          entry = entries.getNextEntry()) {
        if (!entry.isFile()) {
          continue;
        }
        entryName = entry.getName();
        String entryKey = keyOf(entryName);
        String field = fieldOf(entryName);
        // A repeated field starts a new sample under the same key, so the caller sees the
        // repetition instead of one file silently replacing the other.
        if (key != null && (!entryKey.equals(key) || fields.containsKey(field))) {
          sink.accept(new Sample(key, fields));
          samples++;
          fields = new LinkedHashMap<>();
        }
        key = entryKey;
        if (entry.getSize() > MAX_ENTRY_BYTES) {
          return new Outcome(
              samples,
              "entry "
                  + entryName
                  + " claims "
                  + entry.getSize()
                  + " bytes, more than the "
                  + MAX_ENTRY_BYTES
                  + " a sample file may have (sample "
                  + key
                  + " incomplete)");
        }
        fields.put(field, entries.readAllBytes());
      }
      if (!entries.sawEndMarker) {
        // The tar reader takes a file cut at a record boundary for a complete one.
        return new Outcome(
            samples,
            "the archive stops without its end-of-archive marker"
                + (key == null ? "" : " (sample " + key + " may be incomplete)"));
      }
    } catch (IOException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof StorageException marked) {
          throw marked.storageFailure;
        }
      }
      return new Outcome(
          samples,
          (entryName == null ? "before the first entry" : "at or after entry " + entryName)
              + (key == null ? "" : " (sample " + key + " incomplete)")
              + ": "
              + e);
    }
    if (key != null) {
      sink.accept(new Sample(key, fields));
      samples++;
    }
    return new Outcome(samples, null);
  }

  /** Remembers whether the archive ended with its all-zero end-of-archive record. */
  private static final class EndCheckingTarInputStream extends TarArchiveInputStream {
    boolean sawEndMarker;

    EndCheckingTarInputStream(InputStream in) {
      super(in);
    }

    @Override
    protected byte[] readRecord() throws IOException {
      byte[] record = super.readRecord();
      // A short read returns null, which the superclass also treats as the end.
      if (record != null && isEOFRecord(record)) {
        sawEndMarker = true;
      }
      return record;
    }
  }

  /** Marks failures of the storage so they are not mistaken for a damaged archive. */
  private static final class StorageInputStream extends FilterInputStream {
    StorageInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw new StorageException(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw new StorageException(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return super.skip(n);
      } catch (IOException e) {
        throw new StorageException(e);
      }
    }
  }

  private static final class StorageException extends IOException {
    final IOException storageFailure;

    StorageException(IOException storageFailure) {
      super(storageFailure);
      this.storageFailure = storageFailure;
    }
  }
}
