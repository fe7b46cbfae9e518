package org.dalle.pipelines.synthetic;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A contact sheet for eyeballing the synthetic dataset: each tile shows one scene rendered at two
 * sizes, each enlarged with nearest-neighbour sampling to {@value #PANEL} pixels so the real pixels
 * stay visible, with its caption underneath.
 *
 * <p>Run: {@code SyntheticContactSheet OUT.png [N=16] [seed=0] [split=train] [sizes=64,32]}.
 */
public final class SyntheticContactSheet {
  /** Side of each enlarged panel in pixels. */
  static final int PANEL = 128;

  private static final int PAD = 6;
  private static final int TEXT_LINES = 3;
  private static final int LINE_HEIGHT = 14;

  private SyntheticContactSheet() {}

  /**
   * Scenes {@code 0..n-1} of the sampler, {@code columns} tiles per row, each tile with one panel
   * per entry of {@code sizes}.
   */
  public static BufferedImage compose(
      SceneSampler sampler, int n, int columns, List<Integer> sizes) {
    if (n < 1 || columns < 1 || sizes.isEmpty()) {
      throw new IllegalArgumentException(
          "need n >= 1, columns >= 1 and a size, got n=" + n + " columns=" + columns + " " + sizes);
    }
    List<SceneRenderer> renderers = new ArrayList<>();
    for (int size : sizes) {
      renderers.add(new SceneRenderer(size));
    }
    CaptionWriter captions = new CaptionWriter();
    int tileWidth = sizes.size() * (PANEL + PAD) + PAD;
    int tileHeight = PAD + PANEL + PAD + TEXT_LINES * LINE_HEIGHT;
    int rows = (n + columns - 1) / columns;
    BufferedImage sheet =
        new BufferedImage(columns * tileWidth, rows * tileHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    try {
      g.setColor(new Color(0x404040)); // grey gutters, so black backgrounds show their edges
      g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      for (int i = 0; i < n; i++) {
        Scene scene = sampler.sample(i);
        int left = (i % columns) * tileWidth;
        int top = (i / columns) * tileHeight;
        for (int k = 0; k < renderers.size(); k++) {
          BufferedImage image = renderers.get(k).render(scene);
          g.drawImage(image, left + PAD + k * (PANEL + PAD), top + PAD, PANEL, PANEL, null);
        }
        String caption = captions.write(scene, sampler.phrasing(i)).text();
        g.setColor(Color.WHITE);
        int line = 0;
        for (String text : wrap(caption, g.getFontMetrics(), tileWidth - 2 * PAD)) {
          if (line < TEXT_LINES) {
            g.drawString(text, left + PAD, top + 2 * PAD + PANEL + (line + 1) * LINE_HEIGHT - 3);
          }
          line++;
        }
      }
    } finally {
      g.dispose();
    }
    return sheet;
  }

  private static List<String> wrap(String text, FontMetrics metrics, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      String candidate = line.isEmpty() ? word : line + " " + word;
      if (!line.isEmpty() && metrics.stringWidth(candidate) > width) {
        lines.add(line.toString());
        line = new StringBuilder(word);
      } else {
        line = new StringBuilder(candidate);
      }
    }
    lines.add(line.toString());
    return lines;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException(
          "usage: SyntheticContactSheet OUT.png [N=16] [seed=0] [split=train] [sizes=64,32]");
    }
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 0;
    SyntheticSplit split = args.length > 3 ? SyntheticSplit.parse(args[3]) : SyntheticSplit.TRAIN;
    List<Integer> sizes = new ArrayList<>();
    for (String size : (args.length > 4 ? args[4] : "64,32").split(",")) {
      sizes.add(Integer.parseInt(size.trim()));
    }
    SceneSampler sampler =
        new SceneSampler(
            seed, split, SceneMix.DEFAULT, SyntheticVocabulary.resolveHeldOutPairs(List.of()));
    BufferedImage sheet = compose(sampler, n, 4, sizes);
    File out = new File(args[0]);
    if (!ImageIO.write(sheet, "png", out)) {
      throw new IllegalStateException("no ImageIO writer for PNG on this JVM");
    }
    System.out.println("wrote " + n + " " + split.word() + " scenes to " + out.getAbsolutePath());
  }
}
