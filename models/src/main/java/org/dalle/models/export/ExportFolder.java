package org.dalle.models.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Writes a model's export folder so that a reader never loads a torn or half-written export: each
 * file goes to a temporary file in the folder and is renamed over its target, and the marker file
 * (the model's config) is removed first and written last, so its presence marks a complete export.
 * Every {@code *Export} class (dVAE, transformer, contrastive model, evaluator) writes through it.
 */
public final class ExportFolder {

  /** Something that writes a file's content to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private final Path dir;
  private final String marker;

  private ExportFolder(Path dir, String marker) {
    this.dir = dir;
    this.marker = marker;
  }

  /**
   * Starts (re)writing the export in {@code dir}: creates the folder and removes its marker, so the
   * export reads as incomplete until {@link #finish}.
   *
   * @param marker the file written last, such as {@code dvae-config.json}
   */
  public static ExportFolder begin(Path dir, String marker) throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(marker));
    return new ExportFolder(dir, marker);
  }

  /** Replaces file {@code name} of the folder with what {@code content} writes. */
  public ExportFolder write(String name, Content content) throws IOException {
    if (name.equals(marker)) {
      throw new IllegalArgumentException(name + " is the export's marker; write it with finish");
    }
    writeAtomically(dir.resolve(name), content);
    return this;
  }

  /** Replaces file {@code name} of the folder with {@code text} in UTF-8. */
  public ExportFolder writeText(String name, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return write(name, out -> out.write(bytes));
  }

  /** Writes the marker, last: from now on the export is complete. */
  public void finish(Content content) throws IOException {
    writeAtomically(dir.resolve(marker), content);
  }

  /** Whether {@code dir} holds every one of {@code names} as a regular file. */
  public static boolean isComplete(Path dir, String... names) {
    return Arrays.stream(names).allMatch(name -> Files.isRegularFile(dir.resolve(name)));
  }

  private static void writeAtomically(Path target, Content content) throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(folder, "." + target.getFileName() + ".", ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp))) {
        content.writeTo(out);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
