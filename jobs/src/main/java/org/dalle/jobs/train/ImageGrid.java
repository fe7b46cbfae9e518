package org.dalle.jobs.train;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Rows of equally sized images in one picture, e.g. originals above their reconstructions as in the
 * paper's Figure 1, or the samples of each caption in a row. Images are upscaled by an integer
 * factor with nearest-neighbour sampling (so 32×32 images stay sharp and visible), separated and
 * framed by a gap of background, and each row may carry a text label in a left margin.
 *
 * <p>Layout: a cell is {@code scale·w × scale·h}; cell (r, c) starts at {@code x = margin + gap + c
 * (cellW + gap)}, {@code y = gap + r (cellH + gap)}, where {@code margin} is 0 without labels and
 * the widest label plus a gap with them. Short rows leave background.
 */
public final class ImageGrid {

  private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

  private final List<String> labels = new ArrayList<>();
  private final List<List<BufferedImage>> rows = new ArrayList<>();
  private int scale = 1;
  private int gap = 2;
  private Color background = Color.WHITE;
  private Color text = Color.BLACK;

  /** Adds a row without a label. */
  public ImageGrid addRow(List<BufferedImage> images) {
    return addRow(null, images);
  }

  /** Adds a row with a label ({@code null} for none). */
  public ImageGrid addRow(String label, List<BufferedImage> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("row " + rows.size() + " has no images");
    }
    labels.add(label);
    rows.add(List.copyOf(images));
    return this;
  }

  /** The integer upscaling factor, 1 by default. */
  public ImageGrid optScale(int scale) {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be at least 1, got " + scale);
    }
    this.scale = scale;
    return this;
  }

  /** The gap between and around cells in output pixels, 2 by default. */
  public ImageGrid optGap(int gap) {
    if (gap < 0) {
      throw new IllegalArgumentException("gap must be >= 0, got " + gap);
    }
    this.gap = gap;
    return this;
  }

  /** Background and text colours; white and black by default. */
  public ImageGrid optColors(Color background, Color text) {
    this.background = background;
    this.text = text;
    return this;
  }

  /**
   * Draws the grid.
   *
   * @throws IllegalStateException when there are no rows or the images differ in size
   */
  public BufferedImage render() {
    if (rows.isEmpty()) {
      throw new IllegalStateException("an image grid needs at least one row");
    }
    int width = rows.get(0).get(0).getWidth();
    int height = rows.get(0).get(0).getHeight();
    int columns = 0;
    for (int r = 0; r < rows.size(); r++) {
      List<BufferedImage> row = rows.get(r);
      columns = Math.max(columns, row.size());
      for (int c = 0; c < row.size(); c++) {
        if (row.get(c).getWidth() != width || row.get(c).getHeight() != height) {
          throw new IllegalStateException(
              "image ("
                  + r
                  + ", "
                  + c
                  + ") is "
                  + row.get(c).getWidth()
                  + "x"
                  + row.get(c).getHeight()
                  + ", expected "
                  + width
                  + "x"
                  + height
                  + " like image (0, 0)");
        }
      }
    }
    int cellW = width * scale;
    int cellH = height * scale;
    int margin = labelMargin();
    BufferedImage grid =
        new BufferedImage(
            margin + gap + columns * (cellW + gap),
            gap + rows.size() * (cellH + gap),
            BufferedImage.TYPE_INT_RGB);
    Graphics2D g = grid.createGraphics();
    try {
      g.setColor(background);
      g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(LABEL_FONT);
      FontMetrics metrics = g.getFontMetrics();
      for (int r = 0; r < rows.size(); r++) {
        int y = gap + r * (cellH + gap);
        if (labels.get(r) != null) {
          g.setColor(text);
          int baseline = y + (cellH + metrics.getAscent() - metrics.getDescent()) / 2;
          g.drawString(labels.get(r), gap, baseline);
        }
        List<BufferedImage> row = rows.get(r);
        for (int c = 0; c < row.size(); c++) {
          int x = margin + gap + c * (cellW + gap);
          g.drawImage(row.get(c), x, y, cellW, cellH, null);
        }
      }
    } finally {
      g.dispose();
    }
    return grid;
  }

  /** Renders the grid and writes it as a PNG, atomically (temporary file, then rename). */
  public void writePng(Path file) throws IOException {
    BufferedImage grid = render();
    AtomicFiles.write(
        file,
        out -> {
          if (!ImageIO.write(grid, "png", out)) {
            throw new IOException("no PNG writer is available to write " + file);
          }
        });
  }

  private int labelMargin() {
    if (labels.stream().allMatch(label -> label == null)) {
      return 0;
    }
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = probe.createGraphics();
    try {
      FontMetrics metrics = g.getFontMetrics(LABEL_FONT);
      int widest = 0;
      for (String label : labels) {
        if (label != null) {
          widest = Math.max(widest, metrics.stringWidth(label));
        }
      }
      return widest + gap;
    } finally {
      g.dispose();
    }
  }
}
