package org.dalle.pipelines.sources;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * Whole-file reads through Beam's {@link FileSystems}, so local paths and {@code gs://} objects
 * read the same way. Only for files that fit in memory: images, captions, small index files.
 */
final class StoredFiles {
  private StoredFiles() {}

  /** Reads the whole file; a missing file is an error. */
  static byte[] read(ResourceId file) throws IOException {
    try (ReadableByteChannel channel = FileSystems.open(file);
        InputStream in = Channels.newInputStream(channel)) {
      return in.readAllBytes();
    }
  }

  /** Reads the whole file, or returns empty when it does not exist. */
  static Optional<byte[]> readIfExists(ResourceId file) throws IOException {
    try {
      return Optional.of(read(file));
    } catch (FileNotFoundException | NoSuchFileException e) {
      // Opening is the existence check: one request instead of a match followed by a read.
      return Optional.empty();
    }
  }

  /** The directory named by {@code spec} (a local path or a URI such as {@code gs://b/dir}). */
  static ResourceId directory(String spec) {
    return FileSystems.matchNewResource(spec, true);
  }

  /** The directory {@code name} inside {@code directory}. */
  static ResourceId subdirectory(ResourceId directory, String name) {
    return directory.resolve(name, StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  /** The file at {@code relativePath} ('/'-separated) under {@code directory}. */
  static ResourceId fileUnder(ResourceId directory, String relativePath) {
    return directory.resolve(relativePath, StandardResolveOptions.RESOLVE_FILE);
  }
}
