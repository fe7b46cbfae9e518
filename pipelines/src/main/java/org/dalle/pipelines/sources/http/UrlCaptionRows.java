package org.dalle.pipelines.sources.http;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses the rows of a URL list: {@code url<TAB>caption}, or Conceptual Captions' {@code
 * caption<TAB>url}, told apart by which column holds the http(s) URL. A first line naming its
 * columns (e.g. {@code url<TAB>caption}) is a header.
 */
public final class UrlCaptionRows {
  private static final Pattern URL_LIKE = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://\\S+");
  private static final Set<String> URL_COLUMN_NAMES =
      Set.of("url", "image_url", "imageurl", "img_url", "image", "link", "src");
  private static final int EXCERPT_CHARS = 120;

  private UrlCaptionRows() {}

  /** One parsed line. */
  public sealed interface ParsedRow {
    /** A data row; {@code caption} is exactly as written, {@code url} without surrounding space. */
    record Row(String url, String caption) implements ParsedRow {}

    /** The header line. */
    record Header() implements ParsedRow {}

    /** A line that is not a row; {@code detail} names the line number, the problem and the text. */
    record Malformed(String detail) implements ParsedRow {}
  }

  /**
   * Parses {@code line} (without its line terminator; a trailing CR is ignored), the {@code
   * lineNumber}-th line of its file, counting from 1.
   */
  public static ParsedRow parse(String line, long lineNumber) {
    String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    if (lineNumber == 1 && text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    if (text.isBlank()) {
      return malformed(lineNumber, "is blank", text);
    }
    if (text.indexOf('\uFFFD') >= 0) {
      return malformed(lineNumber, "is not valid UTF-8", text);
    }
    String[] columns = text.split("\t", -1);
    if (columns.length != 2) {
      return malformed(
          lineNumber, "has " + columns.length + " tab-separated columns, expected 2", text);
    }
    String first = columns[0].strip();
    String second = columns[1].strip();
    if (isHttpUrl(first)) {
      return new ParsedRow.Row(first, columns[1]);
    }
    if (isHttpUrl(second)) {
      return new ParsedRow.Row(second, columns[0]);
    }
    if (lineNumber == 1 && (isUrlColumnName(first) || isUrlColumnName(second))) {
      return new ParsedRow.Header();
    }
    // Another scheme (ftp://, file://) is still a URL: the fetcher rejects it by name.
    if (URL_LIKE.matcher(first).matches()) {
      return new ParsedRow.Row(first, columns[1]);
    }
    if (URL_LIKE.matcher(second).matches()) {
      return new ParsedRow.Row(second, columns[0]);
    }
    return malformed(lineNumber, "has no URL in either column", text);
  }

  private static boolean isHttpUrl(String column) {
    String lower = column.toLowerCase(Locale.ROOT);
    // Scraped URLs may hold unescaped spaces, so only the scheme decides; LenientUrl escapes them.
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  private static boolean isUrlColumnName(String column) {
    return URL_COLUMN_NAMES.contains(column.toLowerCase(Locale.ROOT));
  }

  private static ParsedRow malformed(long lineNumber, String problem, String text) {
    String shown = text.replace("\t", "\\t");
    if (shown.length() > EXCERPT_CHARS) {
      shown = shown.substring(0, EXCERPT_CHARS) + "...";
    }
    return new ParsedRow.Malformed(
        "line "
            + lineNumber
            + " "
            + problem
            + "; expected url<TAB>caption or caption<TAB>url: '"
            + shown
            + "'");
  }
}
