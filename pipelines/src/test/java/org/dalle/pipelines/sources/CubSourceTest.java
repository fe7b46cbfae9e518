package org.dalle.pipelines.sources;

import static org.dalle.pipelines.sources.SourceFixtures.image;
import static org.dalle.pipelines.sources.SourceFixtures.write;
import static org.dalle.pipelines.sources.SourceFixtures.writeText;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline.PipelineExecutionException;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.dalle.pipelines.testing.TestPipelineExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CubSourceTest {
  @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();
  @TempDir Path root;

  private static final String ALBATROSS = "001.Black_footed_Albatross";
  private static final String WREN = "002.Cactus_Wren";
  private byte[] albatross1;
  private byte[] albatross2;
  private byte[] wren;

  @BeforeEach
  void writeTree() throws Exception {
    albatross1 = write(root, "images/" + ALBATROSS + "/Albatross_0001.jpg", image("jpg", 1));
    albatross2 = write(root, "images/" + ALBATROSS + "/Albatross_0002.jpg", image("jpg", 2));
    wren = write(root, "images/" + WREN + "/Wren_0003.jpg", image("jpg", 3));
    writeText(
        root,
        "text/" + ALBATROSS + "/Albatross_0001.txt",
        "this bird has a white belly.\na large bird with long wings\nits bill is hooked\n");
    writeText(root, "text/" + WREN + "/Wren_0003.txt", "a small brown bird\r\n");
    // Albatross_0002 has no text file.
  }

  private void writeSplit() throws Exception {
    writeText(
        root,
        "images.txt",
        "1 "
            + ALBATROSS
            + "/Albatross_0001.jpg\n2 "
            + ALBATROSS
            + "/Albatross_0002.jpg\n3 "
            + WREN
            + "/Wren_0003.jpg\n");
    writeText(root, "train_test_split.txt", "1 1\n2 0\n3 1\n");
  }

  private static Map<String, String> attributes(String className, String split) {
    return split == null ? Map.of("class", className) : Map.of("class", className, "split", split);
  }

  @Test
  void emitsOneRecordPerCaptionLineWithClassAndSplit() throws Exception {
    writeSplit();

    PCollectionTuple out =
        beam.pipeline().apply(CubSource.fromSpec(root.toString(), SourceConfig.builder().build()));

    String a1 = ALBATROSS + "/Albatross_0001.jpg";
    PAssert.that(out.get(ImageSource.EXAMPLES))
        .containsInAnyOrder(
            SourceRecords.example(
                "cub",
                a1 + "#1",
                albatross1,
                "this bird has a white belly.",
                attributes(ALBATROSS, "train")),
            SourceRecords.example(
                "cub",
                a1 + "#2",
                albatross1,
                "a large bird with long wings",
                attributes(ALBATROSS, "train")),
            SourceRecords.example(
                "cub", a1 + "#3", albatross1, "its bill is hooked", attributes(ALBATROSS, "train")),
            SourceRecords.example(
                "cub",
                ALBATROSS + "/Albatross_0002.jpg",
                albatross2,
                null,
                attributes(ALBATROSS, "test")),
            SourceRecords.example(
                "cub",
                WREN + "/Wren_0003.jpg#1",
                wren,
                "a small brown bird",
                attributes(WREN, "train")));
    PAssert.that(out.get(ImageSource.REJECTED)).empty();
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void oneCaptionPerImageChoosesALineBySeedAndImagePathWithoutSplitFiles() {
    long seed = 11;
    String a1 = ALBATROSS + "/Albatross_0001.jpg";
    List<String> lines =
        List.of(
            "this bird has a white belly.", "a large bird with long wings", "its bill is hooked");
    int chosen = CaptionChoice.index(seed, a1, 3);

    PCollectionTuple out =
        beam.pipeline()
            .apply(
                CubSource.fromSpec(
                    root.toString(),
                    SourceConfig.builder().oneCaptionPerImage(true).seed(seed).build()));

    PAssert.that(out.get(ImageSource.EXAMPLES))
        .containsInAnyOrder(
            SourceRecords.example(
                "cub",
                a1 + "#" + (chosen + 1),
                albatross1,
                lines.get(chosen),
                attributes(ALBATROSS, null)),
            SourceRecords.example(
                "cub",
                ALBATROSS + "/Albatross_0002.jpg",
                albatross2,
                null,
                attributes(ALBATROSS, null)),
            SourceRecords.example(
                "cub",
                WREN + "/Wren_0003.jpg#1",
                wren,
                "a small brown bird",
                attributes(WREN, null)));
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void failsWhenOnlyOneOfTheSplitFilesExists() throws Exception {
    writeText(root, "images.txt", "1 " + ALBATROSS + "/Albatross_0001.jpg\n");
    beam.pipeline().apply(CubSource.fromSpec(root.toString(), SourceConfig.builder().build()));

    PipelineExecutionException failure =
        assertThrows(PipelineExecutionException.class, () -> beam.pipeline().run());
    assertTrue(
        failure
            .getMessage()
            .contains(
                "found "
                    + root.resolve("images.txt")
                    + " but not "
                    + root.resolve("train_test_split.txt")
                    + "; the CUB split needs both files or neither"),
        failure.getMessage());
  }

  @Test
  void rejectsABlankRoot() {
    IllegalArgumentException blank =
        assertThrows(
            IllegalArgumentException.class,
            () -> CubSource.fromSpec("", SourceConfig.builder().build()));
    assertTrue(blank.getMessage().contains("cub:/data/CUB_200_2011"), blank.getMessage());
  }
}
