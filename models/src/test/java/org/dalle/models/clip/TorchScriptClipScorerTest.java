package org.dalle.models.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads {@code tiny_clip.pt} (written by {@code make_tiny_clip.py} beside it), whose weights give
 * scores the test computes by hand.
 */
class TorchScriptClipScorerTest {

  private static final TorchScriptClipScorer.Options OPTIONS =
      new TorchScriptClipScorer.Options(
          4, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}, 6, 0);

  private static NDManager manager;

  @BeforeAll
  static void open() {
    System.setProperty("ai.djl.offline", "true");
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void tokenizesWithStartAndEndTokensCutAndPadded() throws Exception {
    try (TorchScriptClipScorer scorer = load()) {
      assertArrayEquals(new long[] {8, 2, 3, 6, 9, 0}, scorer.tokenize("A red square"));
      assertArrayEquals(new long[] {8, 2, 1, 7, 9, 0}, scorer.tokenize("a purple dot"));
      // Cut to the context length with the end token kept last, as CLIP's tokenizer does.
      assertArrayEquals(
          new long[] {8, 2, 3, 3, 3, 9}, scorer.tokenize("a red red red red red square"));
    }
  }

  @Test
  void scoresAreTheScaledCosinesOfTheTwoMethods() throws Exception {
    float[][] colours = {{1, 0, 0}, {0.5f, 0.75f, 0.5f}, {0.25f, 0.25f, 1}};
    List<String> captions = List.of("a red square", "A GREEN dot", "a red square");
    float[][] textSums = { // start + words + end, from the token embedding of make_tiny_clip.py
      {0.1f + 0 + 1 + 0.3f + 0, 0 + 0 + 0 + 0.3f + 0.1f, 0 + 0.2f + 0 + 0 + 0},
      {0.1f + 0 + 0 + 0 + 0, 0 + 0 + 1 + 0.3f + 0.1f, 0 + 0.2f + 0 + 0.3f + 0},
      {1.4f, 0.4f, 0.2f}
    };
    float[] expected = new float[3];
    for (int i = 0; i < 3; i++) {
      double[] image = new double[3];
      for (int c = 0; c < 3; c++) {
        image[c] = 2 * (colours[i][c] - 0.5) / 0.25 + 0.5; // W = 2·I, b = 0.5, after (x−m)/s
      }
      expected[i] = (float) (10 * cosine(image, textSums[i])); // logit_scale = ln 10
    }
    try (TorchScriptClipScorer scorer = load();
        NDManager m = manager.newSubManager()) {
      assertEquals(10, scorer.logitScale(), 1e-5);
      // 8×8 flat images: resizing to 4×4 keeps each colour.
      float[] pixels = new float[3 * 3 * 64];
      for (int i = 0; i < 3; i++) {
        for (int c = 0; c < 3; c++) {
          java.util.Arrays.fill(pixels, (i * 3 + c) * 64, (i * 3 + c + 1) * 64, colours[i][c]);
        }
      }
      NDArray images = m.create(pixels, new Shape(3, 3, 8, 8));
      assertArrayEquals(expected, scorer.score(images, captions), 1e-4f);
      assertTrue(scorer.describe().startsWith("torchscript-clip:"), scorer.describe());
      IllegalArgumentException count =
          assertThrows(
              IllegalArgumentException.class, () -> scorer.score(images, List.of("a red dot")));
      assertEquals("1 captions for 3 images; expected one caption per image", count.getMessage());
    }
  }

  @Test
  void aModuleWithoutTheClipMethodsIsRejectedByName() throws Exception {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TorchScriptClipScorer.load(resource("not_clip.pt"), tokenizer(), OPTIONS));
    assertTrue(e.getMessage().contains("has no method encode_image"), e.getMessage());

    IllegalArgumentException notTorchScript =
        assertThrows(
            IllegalArgumentException.class,
            () -> TorchScriptClipScorer.load(tokenizer(), tokenizer(), OPTIONS));
    assertTrue(
        notTorchScript.getMessage().contains("could not be loaded as a TorchScript module"),
        notTorchScript.getMessage());

    assertThrows(
        NoSuchFileException.class,
        () -> TorchScriptClipScorer.load(Path.of("no-such.pt"), tokenizer(), OPTIONS));
  }

  private static TorchScriptClipScorer load() throws IOException, URISyntaxException {
    return TorchScriptClipScorer.load(resource("tiny_clip.pt"), tokenizer(), OPTIONS);
  }

  private static Path tokenizer() throws URISyntaxException {
    return resource("tiny_clip_tokenizer.json");
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(TorchScriptClipScorerTest.class.getResource(name).toURI());
  }

  private static double cosine(double[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
