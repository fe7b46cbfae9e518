package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeSet;
import org.dalle.models.transformer.AttentionMasks.Kind;
import org.junit.jupiter.api.Test;

/** The windows of the sparse masks hold exactly the pairs the masks allow. */
class AttentionWindowsTest {

  @Test
  void theWindowsOfThePapersMasksAreRowsColumnsAndKernelRows() {
    AttentionMasks paper = TransformerConfig.paper().masks();
    AttentionWindows row = AttentionWindows.of(paper, Kind.ROW);
    AttentionWindows column = AttentionWindows.of(paper, Kind.COLUMN);
    AttentionWindows conv = AttentionWindows.of(paper, Kind.CONVOLUTIONAL);
    assertFalse(row.transposed());
    assertEquals(1, row.linesBack()); // the previous 32 tokens reach into the row above
    assertTrue(column.transposed());
    assertEquals(0, column.linesBack()); // a column of the transposed image is one line
    assertFalse(conv.transposed());
    assertEquals(6, conv.linesBack()); // 5 rows up, and the leftmost offsets wrap one more
    assertEquals(256 + 2 * 32, row.keysPerQuery());
    assertEquals(256 + 32, column.keysPerQuery());
    assertEquals(256 + 7 * 32, conv.keysPerQuery());
  }

  @Test
  void causalAttentionAndKernelsAsWideAsTheGridHaveNoWindows() {
    assertNull(AttentionWindows.of(new AttentionMasks(6, 4, 3), Kind.CAUSAL));
    assertNull(AttentionWindows.of(new AttentionMasks(6, 4, 5), Kind.CONVOLUTIONAL)); // 4 lines
    assertNotNull(AttentionWindows.of(new AttentionMasks(6, 4, 3), Kind.CONVOLUTIONAL)); // 3
  }

  @Test
  void everyImageQuerySeesExactlyItsAllowedKeysInItsWindow() {
    AttentionMasks[] masks = {
      new AttentionMasks(6, 4, 3), // Figure 11
      TransformerConfig.tiny().masks(),
      new AttentionMasks(32, 16, 11), // benchmarks/transformer-step's wide size
      new AttentionMasks(3, 7, 5),
      new AttentionMasks(2, 9, 3),
      TransformerConfig.paper().masks()
    };
    for (AttentionMasks mask : masks) {
      for (Kind kind : new Kind[] {Kind.ROW, Kind.COLUMN, Kind.CONVOLUTIONAL}) {
        AttentionWindows windows = AttentionWindows.of(mask, kind);
        if (windows != null) {
          assertWindowsHoldTheMask(mask, kind, windows);
        }
      }
    }
  }

  private static void assertWindowsHoldTheMask(
      AttentionMasks mask, Kind kind, AttentionWindows windows) {
    int grid = mask.gridSize();
    int keys = windows.keysPerQuery();
    float[] bias = windows.imageBias();
    assertEquals(grid * grid * keys, bias.length);
    TreeSet<Integer> queries = new TreeSet<>();
    for (int line = 0; line < grid; line++) {
      for (int offset = 0; offset < grid; offset++) {
        int query = windows.position(line, offset);
        queries.add(query);
        TreeSet<Integer> seen = new TreeSet<>();
        int allowedInWindow = 0;
        for (int key = 0; key < keys; key++) {
          int position = windows.keyPosition(line, key);
          if (position >= 0) {
            assertTrue(seen.add(position), "key " + position + " twice in a window");
          }
          if (bias[(line * grid + offset) * keys + key] == 0f) {
            assertTrue(mask.allows(kind, query, position), kind + " " + query + "→" + position);
            allowedInWindow++;
          } else {
            assertEquals(Float.NEGATIVE_INFINITY, bias[(line * grid + offset) * keys + key]);
          }
        }
        assertEquals(
            mask.allowedKeys(kind, query).length,
            allowedInWindow,
            kind + " query " + query + " of " + mask.sequenceLength());
      }
    }
    assertEquals(grid * grid, queries.size()); // every image position is a query once
    assertEquals(mask.textLength(), queries.first());
  }
}
