package org.dalle.models.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClipLossTest {

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
  void twoByTwoMatchesTheHandComputation() {
    // Unit vectors: image 0 = (1, 0), image 1 = (0.6, 0.8); text 0 = (0.8, 0.6), text 1 = (0, 1).
    double[][] images = {{1, 0}, {0.6, 0.8}};
    double[][] texts = {{0.8, 0.6}, {0, 1}};
    double scale = 10;
    // cosines: [[0.8, 0], [0.96, 0.8]] → logits ×10: [[8, 0], [9.6, 8]]
    double rows =
        (-(8 - Math.log(Math.exp(8) + Math.exp(0))) - (8 - Math.log(Math.exp(9.6) + Math.exp(8))))
            / 2;
    double columns =
        (-(8 - Math.log(Math.exp(8) + Math.exp(9.6))) - (8 - Math.log(Math.exp(0) + Math.exp(8))))
            / 2;
    ClipLoss loss = loss(images, texts, scale, identity(2));
    assertEquals(rows, loss.imageToText().getFloat(), 1e-5);
    assertEquals(columns, loss.textToImage().getFloat(), 1e-5);
    assertEquals((rows + columns) / 2, loss.total().getFloat(), 1e-5);
    assertArrayEquals(new float[] {8, 0, 9.6f, 8}, loss.logits().toFloatArray(), 1e-5f);
  }

  @Test
  void threeByThreeMatchesTheHandComputation() {
    double[][] images = {{1, 0, 0}, {0, 1, 0}, {0.6, 0, 0.8}};
    double[][] texts = {{0, 0.6, 0.8}, {0, 1, 0}, {0.8, 0, 0.6}};
    double scale = 1 / 0.07;
    double[][] logits = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          logits[i][j] += scale * images[i][k] * texts[j][k];
        }
      }
    }
    double rows = 0;
    double columns = 0;
    for (int i = 0; i < 3; i++) {
      double rowSum = 0;
      double columnSum = 0;
      for (int j = 0; j < 3; j++) {
        rowSum += Math.exp(logits[i][j]);
        columnSum += Math.exp(logits[j][i]);
      }
      rows -= (logits[i][i] - Math.log(rowSum)) / 3;
      columns -= (logits[i][i] - Math.log(columnSum)) / 3;
    }
    ClipLoss loss = loss(images, texts, scale, identity(3));
    assertEquals(rows, loss.imageToText().getFloat(), 1e-4);
    assertEquals(columns, loss.textToImage().getFloat(), 1e-4);
    assertEquals((rows + columns) / 2, loss.total().getFloat(), 1e-4);
  }

  @Test
  void repeatedCaptionsShareTheTarget() {
    float[] targets = ClipLoss.sameCaptionTargets(List.of("a", "b", "a"));
    assertArrayEquals(new float[] {0.5f, 0, 0.5f, 0, 1, 0, 0.5f, 0, 0.5f}, targets);
    assertArrayEquals(
        identity(3), ClipLoss.sameCaptionTargets(List.of("x", "y", "z")), "distinct: identity");

    // Images 0 and 2 are identical and so are texts 0 and 2: with shared targets the loss of
    // row 0 is −½(log p₀₀ + log p₀₂), where p₀₀ = p₀₂.
    double[][] images = {{1, 0}, {0, 1}, {1, 0}};
    double[][] texts = {{1, 0}, {0, 1}, {1, 0}};
    ClipLoss loss = loss(images, texts, 1, targets);
    double p = Math.exp(1) / (2 * Math.exp(1) + 1); // both matches of row 0 (and row 2)
    double q = Math.exp(1) / (Math.exp(1) + 2); // row 1
    double expected = -(2 * Math.log(p) + Math.log(q)) / 3;
    assertEquals(expected, loss.imageToText().getFloat(), 1e-5);
    assertEquals(expected, loss.textToImage().getFloat(), 1e-5);
  }

  @Test
  void negativeCaptionsJoinTheImageRowsOnly() {
    // The 2x2 case above plus one negative caption (0.6, 0.8): cosines 0.6 with image 0 and 1.0
    // with image 1, logits 6 and 10. Rows (image→text) take it into their softmax; columns
    // (text→image) stay over the two images.
    double[][] images = {{1, 0}, {0.6, 0.8}};
    double[][] texts = {{0.8, 0.6}, {0, 1}};
    double rows =
        (-(8 - Math.log(Math.exp(8) + Math.exp(0) + Math.exp(6)))
                - (8 - Math.log(Math.exp(9.6) + Math.exp(8) + Math.exp(10))))
            / 2;
    double columns =
        (-(8 - Math.log(Math.exp(8) + Math.exp(9.6))) - (8 - Math.log(Math.exp(0) + Math.exp(8))))
            / 2;
    try (NDManager m = manager.newSubManager()) {
      ClipLoss loss =
          ClipLoss.withNegatives(
              m.create(flatten(images), new Shape(2, 2)),
              m.create(flatten(texts), new Shape(2, 2)),
              m.create(new float[] {0.6f, 0.8f}, new Shape(1, 2)),
              m.create(new float[] {10}, new Shape(1)),
              m.create(identity(2), new Shape(2, 2)));
      assertEquals(rows, loss.imageToText().getFloat(), 1e-5);
      assertEquals(columns, loss.textToImage().getFloat(), 1e-5);
      assertEquals((rows + columns) / 2, loss.total().getFloat(), 1e-5);
      assertArrayEquals(new float[] {8, 0, 9.6f, 8}, loss.logits().toFloatArray(), 1e-5f);

      // No negatives: the plain loss.
      ClipLoss none =
          ClipLoss.withNegatives(
              m.create(flatten(images), new Shape(2, 2)),
              m.create(flatten(texts), new Shape(2, 2)),
              m.zeros(new Shape(0, 2)),
              m.create(new float[] {10}, new Shape(1)),
              m.create(identity(2), new Shape(2, 2)));
      assertEquals(
          loss(images, texts, 10, identity(2)).total().getFloat(), none.total().getFloat(), 1e-6);
    }
  }

  @Test
  void rejectsMismatchedShapes() {
    try (NDManager m = manager.newSubManager()) {
      NDArray a = m.ones(new Shape(2, 4));
      NDArray b = m.ones(new Shape(3, 4));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> ClipLoss.of(a, b, m.ones(new Shape(1)), m.eye(2)));
      assertEquals(
          "embeddings are (2, 4) and (3, 4), targets (2, 2); expected (B, E), (B, E) and (B, B)",
          e.getMessage());
    }
  }

  private static ClipLoss loss(double[][] images, double[][] texts, double scale, float[] y) {
    NDManager m = manager.newSubManager();
    int n = images.length;
    return ClipLoss.of(
        m.create(flatten(images), new Shape(n, images[0].length)),
        m.create(flatten(texts), new Shape(n, texts[0].length)),
        m.create(new float[] {(float) scale}, new Shape(1)),
        m.create(y, new Shape(n, n)));
  }

  private static float[] flatten(double[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < rows[i].length; j++) {
        out[i * rows[i].length + j] = (float) rows[i][j];
      }
    }
    return out;
  }

  private static float[] identity(int n) {
    float[] out = new float[n * n];
    for (int i = 0; i < n; i++) {
      out[i * n + i] = 1;
    }
    return out;
  }
}
