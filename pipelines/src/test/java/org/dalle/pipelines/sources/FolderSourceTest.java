package org.dalle.pipelines.sources;

import static org.dalle.pipelines.sources.SourceFixtures.image;
import static org.dalle.pipelines.sources.SourceFixtures.write;
import static org.dalle.pipelines.sources.SourceFixtures.writeText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.dalle.pipelines.testing.TestPipelineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class FolderSourceTest {
  @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();
  @TempDir Path dir;

  private final SourceConfig config = SourceConfig.builder().build();

  @Test
  void readsEveryImageUnderTheDirectoryWithTheCaptionBesideIt() throws Exception {
    byte[] cat = write(dir, "cat.jpg", image("jpg", 1));
    writeText(dir, "cat.txt", "A cat on a mat.\n");
    byte[] dog = write(dir, "pets/dog.PNG", image("png", 2));
    writeText(dir, "pets/dog.txt", "ein Hund – größer");
    byte[] bird = write(dir, "pets/sky/bird.gif", image("gif", 3));
    byte[] owl = write(dir, "pets/sky/owl.v2.bmp", image("bmp", 4));
    writeText(dir, "pets/sky/owl.v2.txt", "an owl");
    write(dir, "pets/bad.jpeg", image("jpg", 5));
    write(dir, "pets/bad.txt", new byte[] {'o', 'k', (byte) 0xC3, '('});
    writeText(dir, "notes.txt", "a caption file without an image is not a record");
    writeText(dir, "readme.md", "neither is this");

    PCollectionTuple out = beam.pipeline().apply(FolderSource.fromSpec(dir.toString(), config));

    PAssert.that(out.get(ImageSource.EXAMPLES))
        .containsInAnyOrder(
            SourceRecords.example("folder", "cat.jpg", cat, "A cat on a mat.\n", Map.of()),
            SourceRecords.example("folder", "pets/dog.PNG", dog, "ein Hund – größer", Map.of()),
            SourceRecords.example("folder", "pets/sky/bird.gif", bird, null, Map.of()),
            SourceRecords.example("folder", "pets/sky/owl.v2.bmp", owl, "an owl", Map.of()));
    PAssert.that(out.get(ImageSource.REJECTED))
        .containsInAnyOrder(
            SourceRecords.rejected(
                "folder",
                "pets/bad.jpeg",
                "caption_not_utf8",
                "caption file "
                    + dir.resolve("pets/bad.txt")
                    + " is not valid UTF-8: Input length = 1"));
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void aTrailingSlashGivesTheSameKeys() throws Exception {
    byte[] cat = write(dir, "a/cat.png", image("png", 1));
    writeText(dir, "a/cat.txt", "cat");

    PCollectionTuple out = beam.pipeline().apply(FolderSource.fromSpec(dir + "/", config));

    PAssert.that(out.get(ImageSource.EXAMPLES))
        .containsInAnyOrder(SourceRecords.example("folder", "a/cat.png", cat, "cat", Map.of()));
    PAssert.that(out.get(ImageSource.REJECTED)).empty();
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void rejectsAMissingOrGlobDirectoryWithAnExample() {
    IllegalArgumentException blank =
        assertThrows(IllegalArgumentException.class, () -> FolderSource.fromSpec(" ", config));
    assertTrue(blank.getMessage().contains("folder:/data/pets"), blank.getMessage());
    IllegalArgumentException glob =
        assertThrows(
            IllegalArgumentException.class, () -> FolderSource.fromSpec("/data/*.jpg", config));
    assertTrue(glob.getMessage().contains("'folder:/data/*.jpg' names a glob"), glob.getMessage());
  }

  @Test
  void recognisesImageExtensionsInAnyCaseAndNamesTheCaptionFile() {
    assertTrue(ImageFileNames.isImage("a.JPG"));
    assertTrue(ImageFileNames.isImage("a.b.jpeg"));
    assertFalse(ImageFileNames.isImage("a.txt"));
    assertFalse(ImageFileNames.isImage("jpg"));
    assertEquals("a.b.txt", ImageFileNames.captionFileName("a.b.PNG"));
  }
}
