package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.dalle.models.transformer.AttentionMasks.Kind;
import org.junit.jupiter.api.Test;

/**
 * The masks of Figure 11 of the paper, written out for its example: 6 text positions and a 4×4
 * image grid, a 3×3 convolutional kernel. Rows are queries, columns keys; the space separates text
 * from image keys; '1' means "may attend".
 */
class AttentionMasksTest {

  private static final AttentionMasks FIGURE_11 = new AttentionMasks(6, 4, 3);

  /** (a) Row attention: the previous 5 image tokens in raster order, the token itself included. */
  private static final String ROW =
      """
      1..... ................
      11.... ................
      111... ................
      1111.. ................
      11111. ................
      111111 ................
      111111 1...............
      111111 11..............
      111111 111.............
      111111 1111............
      111111 11111...........
      111111 .11111..........
      111111 ..11111.........
      111111 ...11111........
      111111 ....11111.......
      111111 .....11111......
      111111 ......11111.....
      111111 .......11111....
      111111 ........11111...
      111111 .........11111..
      111111 ..........11111.
      111111 ...........11111
      """;

  /** (b) Column attention: the earlier tokens of the same column. */
  private static final String COLUMN =
      """
      1..... ................
      11.... ................
      111... ................
      1111.. ................
      11111. ................
      111111 ................
      111111 1...............
      111111 .1..............
      111111 ..1.............
      111111 ...1............
      111111 1...1...........
      111111 .1...1..........
      111111 ..1...1.........
      111111 ...1...1........
      111111 1...1...1.......
      111111 .1...1...1......
      111111 ..1...1...1.....
      111111 ...1...1...1....
      111111 1...1...1...1...
      111111 .1...1...1...1..
      111111 ..1...1...1...1.
      111111 ...1...1...1...1
      """;

  /** (c) Column attention on the transposed image: the earlier tokens of the same block of 4. */
  private static final String COLUMN_TRANSPOSED =
      """
      1..... ................
      11.... ................
      111... ................
      1111.. ................
      11111. ................
      111111 ................
      111111 1...............
      111111 11..............
      111111 111.............
      111111 1111............
      111111 ....1...........
      111111 ....11..........
      111111 ....111.........
      111111 ....1111........
      111111 ........1.......
      111111 ........11......
      111111 ........111.....
      111111 ........1111....
      111111 ............1...
      111111 ............11..
      111111 ............111.
      111111 ............1111
      """;

  /** (d) Causal 3×3 convolution with wraparound: above-left, above, above-right, left, itself. */
  private static final String CONVOLUTIONAL =
      """
      1..... ................
      11.... ................
      111... ................
      1111.. ................
      11111. ................
      111111 ................
      111111 1...............
      111111 11..............
      111111 .11.............
      111111 1.11............
      111111 11.11...........
      111111 111.11..........
      111111 .111.11.........
      111111 ..111.11........
      111111 ...111.11.......
      111111 ....111.11......
      111111 .....111.11.....
      111111 ......111.11....
      111111 .......111.11...
      111111 ........111.11..
      111111 .........111.11.
      111111 ..........111.11
      """;

  @Test
  void rowMaskMatchesFigure11a() {
    assertMask(ROW, FIGURE_11.matrix(Kind.ROW));
  }

  @Test
  void columnMaskMatchesFigure11b() {
    assertMask(COLUMN, FIGURE_11.matrix(Kind.COLUMN));
  }

  @Test
  void transposedColumnMaskMatchesFigure11c() {
    assertMask(COLUMN_TRANSPOSED, FIGURE_11.columnMaskInTransposedOrder());
  }

  @Test
  void convolutionalMaskMatchesFigure11d() {
    assertMask(CONVOLUTIONAL, FIGURE_11.matrix(Kind.CONVOLUTIONAL));
  }

  @Test
  void columnAttentionOnTransposedStatesIsColumnAttentionInRasterOrder() {
    for (AttentionMasks masks :
        List.of(FIGURE_11, new AttentionMasks(3, 5, 3), new AttentionMasks(2, 1, 1))) {
      boolean[][] raster = masks.matrix(Kind.COLUMN);
      boolean[][] transposed = masks.columnMaskInTransposedOrder();
      for (int query = 0; query < raster.length; query++) {
        for (int key = 0; key < raster.length; key++) {
          assertEquals(
              raster[query][key],
              transposed[masks.transposedPosition(query)][masks.transposedPosition(key)],
              "query " + query + ", key " + key);
        }
      }
    }
  }

  @Test
  void denseMaskIsTheCausalMask() {
    boolean[][] causal = FIGURE_11.matrix(Kind.CAUSAL);
    for (int query = 0; query < causal.length; query++) {
      for (int key = 0; key < causal.length; key++) {
        assertEquals(key <= query, causal[query][key]);
      }
    }
  }

  @Test
  void everyMaskIsCausalSeesAllTextAndItself() {
    AttentionMasks masks = new AttentionMasks(5, 7, 5);
    for (Kind kind : Kind.values()) {
      boolean[][] mask = masks.matrix(kind);
      for (int query = 0; query < mask.length; query++) {
        assertTrue(mask[query][query], kind + " query " + query + " sees itself");
        for (int key = 0; key < mask.length; key++) {
          if (key > query) {
            assertFalse(mask[query][key], kind + " query " + query + " sees future " + key);
          } else if (key < 5) {
            assertTrue(mask[query][key], kind + " query " + query + " sees text " + key);
          }
        }
      }
    }
  }

  @Test
  void paperKernelCoversSixtyOneImageTokensInsideTheGrid() {
    AttentionMasks paper = TransformerConfig.paper().masks();
    int query = 256 + 10 * 32 + 16; // row 10, column 16 of the 32×32 grid
    assertEquals(256 + 61, paper.allowedKeys(Kind.CONVOLUTIONAL, query).length);
    assertEquals(256 + 33, paper.allowedKeys(Kind.ROW, query).length);
    assertEquals(256 + 11, paper.allowedKeys(Kind.COLUMN, query).length);
  }

  @Test
  void allowedKeysListTheTrueEntriesOfARow() {
    int[] keys = FIGURE_11.allowedKeys(Kind.CONVOLUTIONAL, 6 + 9);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6 + 4, 6 + 5, 6 + 6, 6 + 8, 6 + 9}, keys);
  }

  @Test
  void additiveBiasIsZeroWhereAllowedAndMinusInfinityElsewhere() {
    float[] bias = FIGURE_11.additiveBias(Kind.ROW, 22);
    boolean[][] mask = FIGURE_11.matrix(Kind.ROW);
    for (int query = 0; query < 22; query++) {
      for (int key = 0; key < 22; key++) {
        assertEquals(mask[query][key] ? 0f : Float.NEGATIVE_INFINITY, bias[query * 22 + key]);
      }
    }
  }

  @Test
  void scheduleFollowsThePaper() {
    List<Kind> kinds = new ArrayList<>();
    for (int layer = 1; layer <= 10; layer++) {
      kinds.add(AttentionMasks.kindOfLayer(layer, 10, AttentionSchedule.SPARSE));
    }
    assertEquals(
        List.of(
            Kind.ROW,
            Kind.COLUMN,
            Kind.ROW,
            Kind.ROW,
            Kind.ROW,
            Kind.COLUMN,
            Kind.ROW,
            Kind.ROW,
            Kind.ROW,
            Kind.CONVOLUTIONAL),
        kinds);
    assertEquals(Kind.COLUMN, AttentionMasks.kindOfLayer(62, 64, AttentionSchedule.SPARSE));
    assertEquals(Kind.ROW, AttentionMasks.kindOfLayer(63, 64, AttentionSchedule.SPARSE));
    assertEquals(Kind.CONVOLUTIONAL, AttentionMasks.kindOfLayer(64, 64, AttentionSchedule.SPARSE));
    for (int layer = 1; layer <= 4; layer++) {
      assertEquals(Kind.CAUSAL, AttentionMasks.kindOfLayer(layer, 4, AttentionSchedule.DENSE));
    }
  }

  @Test
  void badArgumentsAreRejectedWithTheirValues() {
    IllegalArgumentException kernel =
        assertThrows(IllegalArgumentException.class, () -> new AttentionMasks(6, 4, 4));
    assertTrue(kernel.getMessage().contains("4"), kernel.getMessage());
    IllegalArgumentException layer =
        assertThrows(
            IllegalArgumentException.class,
            () -> AttentionMasks.kindOfLayer(0, 4, AttentionSchedule.SPARSE));
    assertTrue(layer.getMessage().contains("1..4"), layer.getMessage());
    IllegalArgumentException position =
        assertThrows(IllegalArgumentException.class, () -> FIGURE_11.allows(Kind.ROW, 22, 0));
    assertTrue(position.getMessage().contains("22"), position.getMessage());
  }

  private static void assertMask(String expected, boolean[][] actual) {
    String[] rows = expected.strip().split("\\n");
    assertEquals(rows.length, actual.length, "rows");
    for (int query = 0; query < rows.length; query++) {
      String row = rows[query].strip().replace(" ", "");
      StringBuilder got = new StringBuilder();
      for (boolean allowed : actual[query]) {
        got.append(allowed ? '1' : '.');
      }
      assertEquals(row, got.toString(), "row " + query);
    }
  }
}
