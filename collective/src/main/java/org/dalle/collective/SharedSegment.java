package org.dalle.collective;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file in shared memory ({@code /dev/shm}) mapped into this process; the collective helper maps
 * the same file, so the bytes a trainer writes are the bytes the helper reduces, with no copy
 * through a socket or pipe. The helper deletes the file as soon as it has mapped it (so a killed
 * rank leaves nothing behind); the mappings stay valid until both processes drop them.
 */
public final class SharedSegment implements AutoCloseable {

  /** Where segments go: tmpfs on Linux, so the pages never reach a disk. */
  public static final Path SHARED_MEMORY = Path.of("/dev/shm");

  private final Path file;
  private final MappedByteBuffer buffer;

  private SharedSegment(Path file, MappedByteBuffer buffer) {
    this.file = file;
    this.buffer = buffer;
  }

  /**
   * Creates {@code file} with {@code bytes} zero bytes and maps it read-write.
   *
   * @throws IllegalArgumentException when {@code bytes} is not in [1, 2 GiB)
   */
  public static SharedSegment create(Path file, long bytes) throws IOException {
    if (bytes < 1 || bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "segment of " + bytes + " bytes; expected 1 to " + Integer.MAX_VALUE);
    }
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      channel.truncate(bytes);
      MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
      buffer.order(ByteOrder.nativeOrder());
      return new SharedSegment(file, buffer);
    }
  }

  /** The directory for segments: {@code /dev/shm} where it exists, else the temporary directory. */
  public static Path directory() {
    return Files.isDirectory(SHARED_MEMORY)
        ? SHARED_MEMORY
        : Path.of(System.getProperty("java.io.tmpdir"));
  }

  public Path file() {
    return file;
  }

  /** The segment's size in bytes. */
  public long bytes() {
    return buffer.capacity();
  }

  /** A view of {@code bytes} bytes from {@code offset}, in the platform's byte order. */
  public ByteBuffer slice(long offset, long bytes) {
    if (offset < 0 || bytes < 0 || offset + bytes > buffer.capacity()) {
      throw new IndexOutOfBoundsException(
          "bytes ["
              + offset
              + ", "
              + (offset + bytes)
              + ") of a "
              + buffer.capacity()
              + "-byte segment");
    }
    return buffer.slice((int) offset, (int) bytes).order(ByteOrder.nativeOrder());
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the shared-memory segment " + file, e);
    }
  }
}
