package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {

  private static final int WHITE = 0xFFFFFF;

  @TempDir Path dir;

  /** A 2×2 image whose top-left pixel is {@code corner} and the rest {@code fill}. */
  private static BufferedImage image(int fill, int corner) {
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 2; x++) {
        image.setRGB(x, y, fill);
      }
    }
    image.setRGB(0, 0, corner);
    return image;
  }

  private static int rgb(BufferedImage image, int x, int y) {
    return image.getRGB(x, y) & 0xFFFFFF;
  }

  @Test
  void placesUpscaledImagesInCellsWithGaps() {
    BufferedImage grid =
        new ImageGrid()
            .addRow(List.of(image(0xFF0000, 0x000001), image(0x00FF00, 0x000002)))
            .addRow(List.of(image(0x0000FF, 0x000003)))
            .optScale(3)
            .optGap(1)
            .render();
    // width 1 + 2·(6 + 1) = 15, height 1 + 2·(6 + 1) = 15
    assertEquals(15, grid.getWidth());
    assertEquals(15, grid.getHeight());
    assertEquals(WHITE, rgb(grid, 0, 0)); // the frame
    // cell (0,0) at (1,1): its corner pixel becomes a 3×3 block
    assertEquals(0x000001, rgb(grid, 1, 1));
    assertEquals(0x000001, rgb(grid, 3, 3));
    assertEquals(0xFF0000, rgb(grid, 4, 1));
    assertEquals(0xFF0000, rgb(grid, 6, 6));
    assertEquals(WHITE, rgb(grid, 7, 3)); // the gap between columns
    assertEquals(0x000002, rgb(grid, 8, 1)); // cell (0,1) at (8,1)
    assertEquals(0x00FF00, rgb(grid, 13, 6));
    assertEquals(0x000003, rgb(grid, 1, 8)); // cell (1,0) at (1,8)
    assertEquals(0x0000FF, rgb(grid, 6, 13));
    assertEquals(WHITE, rgb(grid, 10, 10)); // the short row leaves background
  }

  @Test
  void labelsWidenTheLeftMarginOnly() {
    BufferedImage plain =
        new ImageGrid().addRow(List.of(image(0xFF0000, 0xFF0000))).optScale(4).render();
    BufferedImage labelled =
        new ImageGrid()
            .addRow("originals", List.of(image(0xFF0000, 0xFF0000)))
            .addRow("reconstructions", List.of(image(0x00FF00, 0x00FF00)))
            .optScale(4)
            .optColors(Color.WHITE, Color.BLACK)
            .render();
    int margin = labelled.getWidth() - plain.getWidth();
    assertTrue(margin > 40, "margin " + margin + " holds the label 'reconstructions'");
    assertEquals(0xFF0000, rgb(labelled, margin + 2, 2));
    assertEquals(0x00FF00, rgb(labelled, margin + 2, 2 + 8 + 2));
    boolean inked = false;
    for (int x = 0; x < margin; x++) {
      for (int y = 0; y < labelled.getHeight(); y++) {
        inked |= rgb(labelled, x, y) != WHITE;
      }
    }
    assertTrue(inked, "the labels are drawn in the margin");
  }

  @Test
  void rejectsImagesOfDifferentSizes() {
    ImageGrid grid =
        new ImageGrid()
            .addRow(List.of(image(0, 0)))
            .addRow(List.of(new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB)));
    IllegalStateException e = assertThrows(IllegalStateException.class, grid::render);
    assertEquals("image (1, 0) is 3x2, expected 2x2 like image (0, 0)", e.getMessage());
  }

  @Test
  void writesAPngAtomically() throws IOException {
    Path file = dir.resolve("reconstructions.png");
    new ImageGrid().addRow(List.of(image(0x123456, 0x123456))).optScale(2).writePng(file);
    BufferedImage read = ImageIO.read(file.toFile());
    assertEquals(2 + 4 + 2, read.getWidth());
    assertEquals(0x123456, rgb(read, 2, 2));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }
}
