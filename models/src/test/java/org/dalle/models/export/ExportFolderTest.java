package org.dalle.models.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportFolderTest {
  @TempDir Path dir;

  private List<String> names(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void anExportIsCompleteOnlyOnceItsMarkerIsWrittenLast() throws IOException {
    Path export = dir.resolve("export");
    ExportFolder folder =
        ExportFolder.begin(export, "config.json")
            .write("model.params", out -> out.write(new byte[] {1, 2, 3}))
            .writeText("tokenizer.json", "{\"é\": 1}");
    assertFalse(ExportFolder.isComplete(export, "config.json", "model.params", "tokenizer.json"));
    folder.finish(out -> out.write('{'));

    assertTrue(ExportFolder.isComplete(export, "config.json", "model.params", "tokenizer.json"));
    assertEquals(List.of("config.json", "model.params", "tokenizer.json"), names(export));
    assertEquals("{\"é\": 1}", Files.readString(export.resolve("tokenizer.json")));
    assertEquals(3, Files.size(export.resolve("model.params")));
  }

  @Test
  void rewritingAnExportMakesItIncompleteUntilTheMarkerIsBack() throws IOException {
    ExportFolder.begin(dir, "config.json")
        .write("model.params", out -> out.write(1))
        .finish(out -> out.write('1'));
    ExportFolder rewrite = ExportFolder.begin(dir, "config.json");
    assertFalse(ExportFolder.isComplete(dir, "config.json", "model.params"));
    rewrite
        .write("model.params", out -> out.write(new byte[] {2, 2}))
        .finish(out -> out.write('2'));
    assertEquals("2", Files.readString(dir.resolve("config.json"), StandardCharsets.UTF_8));
    assertEquals(2, Files.size(dir.resolve("model.params")));
  }

  @Test
  void aFailedWriteLeavesNoTemporaryFileAndTheOldContent() throws IOException {
    ExportFolder folder = ExportFolder.begin(dir, "config.json");
    folder.write("model.params", out -> out.write(7));
    assertThrows(
        IOException.class,
        () ->
            folder.write(
                "model.params",
                out -> {
                  out.write(8);
                  throw new IOException("disk full");
                }));
    assertEquals(List.of("model.params"), names(dir));
    assertEquals(7, Files.readAllBytes(dir.resolve("model.params"))[0]);
  }

  @Test
  void theMarkerIsWrittenOnlyByFinish() throws IOException {
    ExportFolder folder = ExportFolder.begin(dir, "config.json");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> folder.write("config.json", out -> out.write(1)));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
  }
}
