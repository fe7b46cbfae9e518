package org.dalle.models.export;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes one file of a model export so that no reader ever sees it torn: the bytes go to a
 * temporary file beside the target, which is then renamed over it. Every export writes its own
 * config last, so that file's presence marks a complete export.
 */
public final class ExportFiles {

  /** What goes into one file. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private ExportFiles() {}

  /** Writes {@code content} to a temporary file in {@code target}'s folder, then renames it. */
  public static void writeAtomically(Path target, Content content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
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
