package org.dalle.pipelines.sources.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dalle.pipelines.sources.http.UrlCaptionRows.ParsedRow;
import org.junit.jupiter.api.Test;

class UrlCaptionRowsTest {
  @Test
  void urlFirstRows() {
    assertEquals(
        new ParsedRow.Row("https://a.example/cat.jpg", "a cat on a mat"),
        UrlCaptionRows.parse("https://a.example/cat.jpg\ta cat on a mat", 2));
  }

  @Test
  void conceptualCaptionsOrderIsDetected() {
    assertEquals(
        new ParsedRow.Row("http://a.example/dog.png", "a dog "),
        UrlCaptionRows.parse("a dog \t http://a.example/dog.png\r", 7));
  }

  @Test
  void headerOnlyOnTheFirstLine() {
    assertEquals(new ParsedRow.Header(), UrlCaptionRows.parse("\uFEFFurl\tcaption", 1));
    assertEquals(new ParsedRow.Header(), UrlCaptionRows.parse("caption\timage_url", 1));
    assertInstanceOf(ParsedRow.Malformed.class, UrlCaptionRows.parse("url\tcaption", 2));
  }

  @Test
  void otherSchemesAreRowsSoTheFetcherCanNameThem() {
    assertEquals(
        new ParsedRow.Row("ftp://a.example/x.jpg", "x"),
        UrlCaptionRows.parse("x\tftp://a.example/x.jpg", 3));
  }

  @Test
  void malformedRowsNameTheLineAndShowTheText() {
    ParsedRow.Malformed threeColumns =
        assertInstanceOf(
            ParsedRow.Malformed.class, UrlCaptionRows.parse("http://a/x.jpg\tcap\textra", 4));
    ParsedRow.Malformed noUrl =
        assertInstanceOf(ParsedRow.Malformed.class, UrlCaptionRows.parse("just\twords", 5));
    ParsedRow.Malformed blank =
        assertInstanceOf(ParsedRow.Malformed.class, UrlCaptionRows.parse("  ", 6));
    ParsedRow.Malformed notUtf8 =
        assertInstanceOf(
            ParsedRow.Malformed.class, UrlCaptionRows.parse("http://a/x.jpg\tcaf\uFFFD", 8));

    assertEquals(
        "line 4 has 3 tab-separated columns, expected 2; expected url<TAB>caption or"
            + " caption<TAB>url: 'http://a/x.jpg\\tcap\\textra'",
        threeColumns.detail());
    assertTrue(noUrl.detail().startsWith("line 5 has no URL in either column"), noUrl.detail());
    assertTrue(blank.detail().startsWith("line 6 is blank"), blank.detail());
    assertTrue(notUtf8.detail().startsWith("line 8 is not valid UTF-8"), notUtf8.detail());
  }

  @Test
  void longLinesAreExcerpted() {
    ParsedRow.Malformed malformed =
        assertInstanceOf(ParsedRow.Malformed.class, UrlCaptionRows.parse("x".repeat(500), 9));

    assertTrue(malformed.detail().endsWith("x".repeat(120) + "...'"), malformed.detail());
  }
}
