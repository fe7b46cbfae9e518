package org.dalle.evaluation.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A line chart of top-1 accuracy (percent) against the number of reranked candidates, the x axis in
 * powers of two as in the paper's Figure 6: one line per series, a point per pool size.
 */
public final class RerankingCurvePlot {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 400;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 36;
  private static final int BOTTOM = 48;
  private static final int LEGEND_LINE = 20;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e)
  };

  /**
   * One line.
   *
   * @param label legend entry
   * @param percent one value per pool size, in percent; NaN leaves a gap
   */
  public record Series(String label, double[] percent) {}

  private RerankingCurvePlot() {}

  /** The chart for pool sizes {@code sizes} (increasing, ≥ 1). */
  public static BufferedImage render(String title, int[] sizes, List<Series> series) {
    int legendHeight = series.size() * LEGEND_LINE + 8;
    BufferedImage image =
        new BufferedImage(WIDTH, HEIGHT + legendHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      int right = WIDTH - RIGHT;
      int bottom = HEIGHT - BOTTOM;
      double maxY = 0;
      for (Series s : series) {
        for (double v : s.percent()) {
          if (Double.isFinite(v)) {
            maxY = Math.max(maxY, v);
          }
        }
      }
      maxY = maxY <= 0 ? 1 : maxY * 1.1;
      double minX = log2(sizes[0]);
      double maxX = Math.max(log2(sizes[sizes.length - 1]), minX + 1);
      g.setColor(Color.BLACK);
      FontMetrics metrics = g.getFontMetrics();
      g.drawString(title, (WIDTH - metrics.stringWidth(title)) / 2, 20);
      String xLabel = "candidates reranked (N)";
      g.drawString(xLabel, LEFT + (right - LEFT - metrics.stringWidth(xLabel)) / 2, HEIGHT - 12);
      g.drawRect(LEFT, TOP, right - LEFT, bottom - TOP);
      for (int n : sizes) {
        int px = x(log2(n), minX, maxX, right);
        g.setColor(Color.LIGHT_GRAY);
        g.drawLine(px, TOP, px, bottom);
        g.setColor(Color.BLACK);
        String label = Integer.toString(n);
        g.drawString(label, px - metrics.stringWidth(label) / 2, bottom + 16);
      }
      for (double tick : BlurCurvePlot.niceTicks(0, maxY, 5)) {
        int py = y(tick, maxY, bottom);
        g.setColor(Color.LIGHT_GRAY);
        g.drawLine(LEFT, py, right, py);
        g.setColor(Color.BLACK);
        String label = String.format(Locale.ROOT, tick >= 10 ? "%.0f%%" : "%.1f%%", tick);
        g.drawString(label, LEFT - 6 - metrics.stringWidth(label), py + 4);
      }
      g.setStroke(new BasicStroke(2f));
      for (int s = 0; s < series.size(); s++) {
        g.setColor(PALETTE[s % PALETTE.length]);
        double[] values = series.get(s).percent();
        int lastX = -1;
        int lastY = -1;
        for (int i = 0; i < sizes.length && i < values.length; i++) {
          if (!Double.isFinite(values[i])) {
            lastX = -1;
            continue;
          }
          int px = x(log2(sizes[i]), minX, maxX, right);
          int py = y(values[i], maxY, bottom);
          if (lastX >= 0) {
            g.drawLine(lastX, lastY, px, py);
          }
          g.fillOval(px - 3, py - 3, 7, 7);
          lastX = px;
          lastY = py;
        }
        int ly = HEIGHT + s * LEGEND_LINE + 8;
        g.fillRect(LEFT, ly, 18, 4);
        g.setColor(Color.BLACK);
        g.drawString(series.get(s).label(), LEFT + 24, ly + 6);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Renders and writes a PNG through a temporary file renamed over the target. */
  public static void writePng(String title, int[] sizes, List<Series> series, Path file)
      throws IOException {
    PngFiles.writeAtomically(render(title, sizes, series), file);
  }

  private static double log2(int n) {
    return Math.log(n) / Math.log(2);
  }

  private static int x(double value, double min, double max, int right) {
    return (int) Math.round(LEFT + (value - min) / (max - min) * (right - LEFT));
  }

  private static int y(double value, double max, int bottom) {
    return (int) Math.round(bottom - value / max * (bottom - TOP));
  }
}
