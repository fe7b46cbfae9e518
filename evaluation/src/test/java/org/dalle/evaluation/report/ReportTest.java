package org.dalle.evaluation.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  private static BlurCurve curve(String label, double fid0, double is0) {
    return new BlurCurve(
        label,
        List.of(
            new BlurCurve.Point(0, fid0, is0, 0.1),
            new BlurCurve.Point(2, fid0 / 2, is0 * 0.9, 0.1),
            new BlurCurve.Point(4, fid0 / 4, is0 * 0.8, 0.1)));
  }

  @Test
  void plotHasAnIsPanelOnlyWhenSomeCurveHasAnInceptionScore(@TempDir Path dir) throws Exception {
    BufferedImage both = BlurCurvePlot.render(List.of(curve("a", 30, 3), curve("b", 20, 2)));
    BufferedImage fidOnly =
        BlurCurvePlot.render(List.of(curve("a", 30, Double.NaN), curve("b", 20, Double.NaN)));
    assertEquals(2 * fidOnly.getWidth(), both.getWidth());

    Path png = dir.resolve("fid_vs_blur.png");
    BlurCurvePlot.writePng(List.of(curve("a", 30, 3)), png);
    BufferedImage read = ImageIO.read(png.toFile());
    assertEquals(both.getHeight(), read.getHeight());
    // the series colour appears: the curve was drawn, not just the axes
    boolean blue = false;
    for (int y = 0; y < read.getHeight() && !blue; y++) {
      for (int x = 0; x < read.getWidth() && !blue; x++) {
        blue = (read.getRGB(x, y) & 0xffffff) == 0x1f77b4;
      }
    }
    assertTrue(blue);
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void plotRejectsEmptyInputAndCurvesRejectUnorderedRadii() {
    assertThrows(IllegalArgumentException.class, () -> BlurCurvePlot.render(List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new BlurCurve(
                "x", List.of(new BlurCurve.Point(2, 1, 1, 0), new BlurCurve.Point(1, 1, 1, 0))));
  }

  @Test
  void ticksAreRoundAndCoverTheRange() {
    assertArrayEquals(new double[] {0, 20, 40, 60, 80, 100}, BlurCurvePlot.niceTicks(0, 100, 5));
    double[] ticks = BlurCurvePlot.niceTicks(1.23, 1.31, 4);
    assertTrue(ticks.length >= 2, "ticks " + java.util.Arrays.toString(ticks));
    for (double t : ticks) {
      assertTrue(t >= 1.23 - 1e-9 && t <= 1.31 + 1e-9, "tick " + t);
    }
  }

  @Test
  void imageTablesShowSmallSharpThumbnails() {
    String html =
        new HtmlReport("t")
            .imageTable(
                List.of("image", "caption", "verdict"),
                List.of(
                    new HtmlReport.ImageRow(
                        "samples/top1/c0.png", "a <red> circle", List.of("a <red> circle", "pass")),
                    new HtmlReport.ImageRow(null, "none", List.of("a star", "no image"))))
            .render();
    assertTrue(
        html.contains(
            "<tr><td><img class=\"thumb\" loading=\"lazy\" src=\"samples/top1/c0.png\""
                + " alt=\"a &lt;red&gt; circle\"></td><td>a &lt;red&gt; circle</td>"
                + "<td>pass</td></tr>"),
        html);
    assertTrue(html.contains("<tr><td>–</td><td>a star</td><td>no image</td></tr>"), html);
    assertTrue(html.contains("img.thumb{width:64px"), html);
    assertTrue(html.contains("image-rendering:pixelated"), html);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new HtmlReport("t")
                    .imageTable(
                        List.of("image", "caption"),
                        List.of(new HtmlReport.ImageRow("x.png", "x", List.of("a", "b")))));
    assertTrue(e.getMessage().contains("expected 1"), e.getMessage());
  }

  @Test
  void htmlEscapesTextAndChecksTableRows(@TempDir Path dir) throws Exception {
    HtmlReport report =
        new HtmlReport("a <b> & c")
            .heading("FID")
            .table(List.of("radius", "fid"), List.of(List.of("0", "1.5")))
            .figure("grids/c000.png", "\"quoted\"");
    String html = report.render();
    assertTrue(html.contains("<title>a &lt;b&gt; &amp; c</title>"));
    assertTrue(html.contains("<td>1.5</td>"));
    assertTrue(html.contains("src=\"grids/c000.png\""));
    assertTrue(html.contains("&quot;quoted&quot;"));
    assertFalse(html.contains("<b>"));
    assertThrows(
        IllegalArgumentException.class,
        () -> report.table(List.of("a", "b"), List.of(List.of("only one"))));
    Path file = dir.resolve("report.html");
    report.write(file);
    assertEquals(html, Files.readString(file));
    assertNotEquals(0, Files.size(file));
  }
}
