package org.dalle.models.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dalle.models.export.PortableExport;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipExportTest {

  private static Engine engine;
  private static NDManager manager;

  @TempDir Path temp;

  @BeforeAll
  static void open() {
    System.setProperty("ai.djl.offline", "true");
    engine = Engine.getEngine("PyTorch");
    manager = engine.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void roundTripGivesIdenticalScores() throws IOException {
    Path dir = temp.resolve("export");
    List<String> captions =
        List.of("A  RED square", "a green square", "a blue square", "a red dot");
    float[] expected;
    try (NDManager m = manager.newSubManager()) {
      engine.setRandomSeed(11);
      ClipModel model = new ClipModel(ClipTestData.config());
      model.initializeParameters(m);
      ClipExport.write(model, ClipTestData.BPE.toTokenizerJson(), dir);
      ClipScorer inMemory =
          new ClipScorer(model, ClipTestData.tokenizer(), m.newSubManager(), "memory");
      expected = inMemory.score(ClipTestData.images(m, 16), captions);
      // Captions are normalised before tokenising: "A  RED square" reads as "a red square".
      assertArrayEquals(
          new float[] {expected[0]},
          inMemory.score(ClipTestData.images(m, 16).get("0:1"), List.of("a red square")),
          1e-5f);
    }
    assertTrue(ClipExport.isComplete(dir));
    assertEquals(ClipTestData.config(), ClipExport.readConfig(dir));
    // The portable copy for other tools: safetensors weights and config.json beside them.
    assertTrue(Files.size(dir.resolve(PortableExport.WEIGHTS_FILE)) > 0);
    assertTrue(
        Files.readString(dir.resolve(PortableExport.CONFIG_FILE))
            .contains("\"model_type\" : \"contrastive\""));

    try (NDManager m = manager.newSubManager();
        ClipScorer scorer = ClipExport.read(dir, m)) {
      NDArray images = ClipTestData.images(m, 16);
      float[] scores = scorer.score(images, captions);
      assertEquals(4, scores.length);
      assertArrayEquals(expected, scores);
      // A pair's score does not depend on the other pairs of the call.
      assertArrayEquals(
          new float[] {scores[1]},
          scorer.score(images.get("1:2"), List.of(captions.get(1))),
          1e-6f);
      // The same caption twice: one text pass, the scores of each image.
      float[] same = scorer.score(images.get("0:2"), List.of("a red dot", "a red dot"));
      assertEquals(2, same.length);
      assertTrue(scorer.describe().startsWith("clip:" + dir), scorer.describe());
      assertEquals(ClipTestData.BPE.vocabSize(), scorer.tokenizer().vocabSize());
    }
  }

  @Test
  void scoreRejectsMismatchedInputs() throws IOException {
    Path dir = temp.resolve("export");
    try (NDManager m = manager.newSubManager()) {
      ClipModel model = new ClipModel(ClipTestData.config());
      model.initializeParameters(m);
      ClipExport.write(model, ClipTestData.BPE.toTokenizerJson(), dir);
      try (ClipScorer scorer = ClipExport.read(dir, m)) {
        NDArray images = m.zeros(new Shape(2, 3, 8, 8));
        IllegalArgumentException count =
            assertThrows(
                IllegalArgumentException.class, () -> scorer.score(images, List.of("a red dot")));
        assertEquals("1 captions for 2 images; expected one caption per image", count.getMessage());
        IllegalArgumentException shape =
            assertThrows(
                IllegalArgumentException.class,
                () -> scorer.score(m.zeros(new Shape(1, 1, 8, 8)), List.of("a red dot")));
        assertEquals(
            "images have shape (1, 1, 8, 8); expected (N, 3, S, S) RGB in [0, 1]",
            shape.getMessage());
      }
    }
  }

  @Test
  void incompleteOrInconsistentExportsAreRejected() throws IOException {
    Path dir = temp.resolve("export");
    try (NDManager m = manager.newSubManager()) {
      ClipModel model = new ClipModel(ClipTestData.config());
      model.initializeParameters(m);
      ClipExport.write(model, ClipTestData.BPE.toTokenizerJson(), dir);

      BpeTokenizer other =
          new BpeTokenizer(
              new org.dalle.models.tokenizer.BpeTrainer(258, 1).train(java.util.Map.of("ab", 1L)));
      Files.writeString(dir.resolve(ClipExport.TOKENIZER_FILE), other.model().toTokenizerJson());
      IOException vocab = assertThrows(IOException.class, () -> ClipExport.read(dir, m));
      assertTrue(vocab.getMessage().contains("the export is inconsistent"), vocab.getMessage());

      Files.delete(dir.resolve(ClipExport.PARAMS_FILE));
      assertFalse(ClipExport.isComplete(dir));
      IOException missing = assertThrows(IOException.class, () -> ClipExport.read(dir, m));
      assertEquals(
          "contrastive model export "
              + dir
              + " is incomplete; expected clip-config.json, clip.params and tokenizer.json as"
              + " ClipExport writes",
          missing.getMessage());
    }
  }
}
