package org.dalle.evaluation.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Draws FID and IS against blur radius as two side-by-side line charts, like the paper's Figure 9:
 * one line per {@link BlurCurve}, IS with ±1 standard-deviation bars. The IS panel is left out when
 * no curve has an Inception Score.
 */
public final class BlurCurvePlot {
  private static final int PANEL_WIDTH = 420;
  private static final int PANEL_HEIGHT = 320;
  private static final int MARGIN_LEFT = 64;
  private static final int MARGIN_RIGHT = 16;
  private static final int MARGIN_TOP = 36;
  private static final int MARGIN_BOTTOM = 48;
  private static final int LEGEND_HEIGHT = 22;
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
    new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)
  };

  private BlurCurvePlot() {}

  /** The chart as an image. */
  public static BufferedImage render(List<BlurCurve> curves) {
    if (curves.isEmpty() || curves.stream().allMatch(c -> c.points().isEmpty())) {
      throw new IllegalArgumentException("nothing to plot: no blur curve has a point");
    }
    boolean withIs = curves.stream().anyMatch(BlurCurve::hasInceptionScore);
    int panels = withIs ? 2 : 1;
    int legendRows = (curves.size() + 2) / 3;
    int width = panels * PANEL_WIDTH;
    int height = PANEL_HEIGHT + legendRows * LEGEND_HEIGHT + 8;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      panel(g, 0, curves, "FID (lower is better)", BlurCurve.Point::fid, null);
      if (withIs) {
        panel(
            g,
            PANEL_WIDTH,
            curves,
            "IS (higher is better)",
            BlurCurve.Point::isMean,
            BlurCurve.Point::isStd);
      }
      legend(g, curves, PANEL_HEIGHT + 4);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Renders and writes a PNG atomically (a temporary file renamed over the target). */
  public static void writePng(List<BlurCurve> curves, Path file) throws IOException {
    PngFiles.writeAtomically(render(curves), file);
  }

  private static void panel(
      Graphics2D g,
      int x0,
      List<BlurCurve> curves,
      String title,
      ToDoubleFunction<BlurCurve.Point> value,
      ToDoubleFunction<BlurCurve.Point> error) {
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (BlurCurve curve : curves) {
      for (BlurCurve.Point p : curve.points()) {
        double y = value.applyAsDouble(p);
        if (!Double.isFinite(y)) {
          continue;
        }
        double e = error == null ? 0 : finiteOrZero(error.applyAsDouble(p));
        minX = Math.min(minX, p.radius());
        maxX = Math.max(maxX, p.radius());
        minY = Math.min(minY, y - e);
        maxY = Math.max(maxY, y + e);
      }
    }
    int left = x0 + MARGIN_LEFT;
    int right = x0 + PANEL_WIDTH - MARGIN_RIGHT;
    int top = MARGIN_TOP;
    int bottom = PANEL_HEIGHT - MARGIN_BOTTOM;
    g.setColor(Color.BLACK);
    FontMetrics metrics = g.getFontMetrics();
    g.drawString(title, x0 + (PANEL_WIDTH - metrics.stringWidth(title)) / 2, 20);
    g.drawString(
        "blur radius (pixels)",
        left + (right - left - metrics.stringWidth("blur radius (pixels)")) / 2,
        PANEL_HEIGHT - 12);
    g.drawRect(left, top, right - left, bottom - top);
    if (!Double.isFinite(minY)) {
      g.drawString("not computed", left + 10, (top + bottom) / 2);
      return;
    }
    if (maxX == minX) {
      minX -= 1;
      maxX += 1;
    }
    double pad = maxY == minY ? Math.max(1e-9, Math.abs(maxY) * 0.1 + 1e-9) : (maxY - minY) * 0.08;
    minY -= pad;
    maxY += pad;
    Axis xAxis = new Axis(minX, maxX, left, right);
    Axis yAxis = new Axis(minY, maxY, bottom, top);
    for (int tick = (int) Math.ceil(minX); tick <= maxX; tick++) {
      int px = xAxis.pixel(tick);
      g.setColor(Color.LIGHT_GRAY);
      g.drawLine(px, top, px, bottom);
      g.setColor(Color.BLACK);
      String label = Integer.toString(tick);
      g.drawString(label, px - metrics.stringWidth(label) / 2, bottom + 16);
    }
    for (double tick : niceTicks(minY, maxY, 5)) {
      int py = yAxis.pixel(tick);
      g.setColor(Color.LIGHT_GRAY);
      g.drawLine(left, py, right, py);
      g.setColor(Color.BLACK);
      String label = format(tick);
      g.drawString(label, left - 6 - metrics.stringWidth(label), py + 4);
    }
    g.setStroke(new BasicStroke(2f));
    for (int c = 0; c < curves.size(); c++) {
      g.setColor(PALETTE[c % PALETTE.length]);
      int lastX = -1;
      int lastY = -1;
      for (BlurCurve.Point p : curves.get(c).points()) {
        double y = value.applyAsDouble(p);
        if (!Double.isFinite(y)) {
          lastX = -1;
          continue;
        }
        int px = xAxis.pixel(p.radius());
        int py = yAxis.pixel(y);
        if (lastX >= 0) {
          g.drawLine(lastX, lastY, px, py);
        }
        g.fillOval(px - 3, py - 3, 7, 7);
        if (error != null && Double.isFinite(error.applyAsDouble(p))) {
          double e = error.applyAsDouble(p);
          g.drawLine(px, yAxis.pixel(y - e), px, yAxis.pixel(y + e));
        }
        lastX = px;
        lastY = py;
      }
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static void legend(Graphics2D g, List<BlurCurve> curves, int y0) {
    FontMetrics metrics = g.getFontMetrics();
    for (int c = 0; c < curves.size(); c++) {
      int x = MARGIN_LEFT + (c % 3) * 260;
      int y = y0 + (c / 3) * LEGEND_HEIGHT + 14;
      g.setColor(PALETTE[c % PALETTE.length]);
      g.fillRect(x, y - 8, 18, 4);
      g.setColor(Color.BLACK);
      g.drawString(curves.get(c).label(), x + 24, y - 6 + metrics.getAscent() / 2);
    }
  }

  /** Up to about {@code count} round tick values covering [min, max]. */
  static double[] niceTicks(double min, double max, int count) {
    double raw = (max - min) / count;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = magnitude;
    for (double factor : new double[] {1, 2, 5, 10}) {
      step = factor * magnitude;
      if (raw <= step) {
        break;
      }
    }
    long first = (long) Math.ceil(min / step - 1e-9);
    long last = (long) Math.floor(max / step + 1e-9);
    double[] ticks = new double[(int) Math.max(last - first + 1, 0)];
    for (int i = 0; i < ticks.length; i++) {
      ticks[i] = (first + i) * step;
    }
    return ticks;
  }

  private static String format(double value) {
    double magnitude = Math.abs(value);
    if (magnitude >= 100 || value == 0) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (magnitude >= 1) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.3g", value);
  }

  private static double finiteOrZero(double value) {
    return Double.isFinite(value) ? value : 0;
  }

  /** A linear map from data values to pixels. */
  private record Axis(double min, double max, int from, int to) {
    int pixel(double value) {
      return (int) Math.round(from + (value - min) / (max - min) * (to - from));
    }
  }
}
