package org.dalle.pipelines.sources.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.URISyntaxException;
import org.junit.jupiter.api.Test;

class LenientUrlTest {
  @Test
  void validUrlsAreKeptAsWritten() throws URISyntaxException {
    assertEquals(
        URI.create("https://a.example/x%20y.jpg?q=1&r=%7C"),
        LenientUrl.parse(" https://a.example/x%20y.jpg?q=1&r=%7C "));
  }

  @Test
  void illegalCharactersAreEscapedOnceAndExistingEscapesKept() throws URISyntaxException {
    URI parsed = LenientUrl.parse("http://a.example/my photo|1%20x é.jpg");

    assertEquals("/my%20photo%7C1%20x%20%C3%A9.jpg", parsed.getRawPath());
    assertEquals("a.example", parsed.getHost());
  }

  @Test
  void hopelessStringsFail() {
    assertThrows(URISyntaxException.class, () -> LenientUrl.parse("http://[broken/x"));
  }
}
