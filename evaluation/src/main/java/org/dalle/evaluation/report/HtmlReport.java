package org.dalle.evaluation.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A single static HTML page that shows an evaluation's figures, plots and sample grids together.
 * Images are linked by paths relative to the page, so the report directory can be copied or served
 * as a whole. Every text is HTML-escaped.
 */
public final class HtmlReport {
  private final StringBuilder body = new StringBuilder();
  private final String title;

  public HtmlReport(String title) {
    this.title = title;
  }

  /** A section heading. */
  public HtmlReport heading(String text) {
    body.append("<h2>").append(escape(text)).append("</h2>\n");
    return this;
  }

  /** A paragraph of plain text. */
  public HtmlReport paragraph(String text) {
    body.append("<p>").append(escape(text)).append("</p>\n");
    return this;
  }

  /** A table; every row must have as many cells as there are headers. */
  public HtmlReport table(List<String> headers, List<List<String>> rows) {
    for (List<String> row : rows) {
      if (row.size() != headers.size()) {
        throw new IllegalArgumentException(
            "table row " + row + " has " + row.size() + " cells; expected " + headers.size());
      }
    }
    body.append("<table>\n<tr>");
    for (String header : headers) {
      body.append("<th>").append(escape(header)).append("</th>");
    }
    body.append("</tr>\n");
    for (List<String> row : rows) {
      body.append("<tr>");
      for (String cell : row) {
        body.append("<td>").append(escape(cell)).append("</td>");
      }
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /**
   * A row of an {@link #imageTable}.
   *
   * @param image the image's path relative to the report file, with '/' separators; null for a row
   *     without one
   * @param alt the image's text alternative
   * @param cells the row's other cells, after the image
   */
  public record ImageRow(String image, String alt, List<String> cells) {
    public ImageRow {
      cells = List.copyOf(cells);
    }
  }

  /**
   * A table whose first column shows a thumbnail per row, 64 pixels wide and scaled without
   * smoothing, so that a small generated image stays light and sharp; every row must have one cell
   * fewer than there are headers (the first header is the image column's).
   */
  public HtmlReport imageTable(List<String> headers, List<ImageRow> rows) {
    for (ImageRow row : rows) {
      if (row.cells().size() + 1 != headers.size()) {
        throw new IllegalArgumentException(
            "image table row "
                + row.cells()
                + " has "
                + row.cells().size()
                + " cells after the image; expected "
                + (headers.size() - 1));
      }
    }
    body.append("<table>\n<tr>");
    for (String header : headers) {
      body.append("<th>").append(escape(header)).append("</th>");
    }
    body.append("</tr>\n");
    for (ImageRow row : rows) {
      body.append("<tr><td>");
      if (row.image() == null) {
        body.append("–");
      } else {
        body.append("<img class=\"thumb\" loading=\"lazy\" src=\"")
            .append(escape(row.image()))
            .append("\" alt=\"")
            .append(escape(row.alt()))
            .append("\">");
      }
      body.append("</td>");
      for (String cell : row.cells()) {
        body.append("<td>").append(escape(cell)).append("</td>");
      }
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /**
   * An image with a caption.
   *
   * @param relativePath the image's path relative to the report file, with '/' separators
   */
  public HtmlReport figure(String relativePath, String caption) {
    body.append("<figure><img src=\"")
        .append(escape(relativePath))
        .append("\" alt=\"")
        .append(escape(caption))
        .append("\"><figcaption>")
        .append(escape(caption))
        .append("</figcaption></figure>\n");
    return this;
  }

  /** The whole page. */
  public String render() {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
        + escape(title)
        + "</title>\n<style>\n"
        + "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\n"
        + "table{border-collapse:collapse;margin:1em 0}"
        + "th,td{border:1px solid #ccc;padding:4px 10px;text-align:right}"
        + "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}\n"
        + "figure{display:inline-block;margin:0.5em 1em 1em 0;vertical-align:top}"
        + "img{image-rendering:pixelated;max-width:100%}figcaption{font-size:90%;color:#555}\n"
        + "img.thumb{width:64px;height:auto;display:block}\n"
        + "</style>\n</head>\n<body>\n<h1>"
        + escape(title)
        + "</h1>\n"
        + body
        + "</body>\n</html>\n";
  }

  /** Writes the page atomically (a temporary file renamed over the target). */
  public void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    try {
      Files.writeString(temp, render(), StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
