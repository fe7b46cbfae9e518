package org.dalle.pipelines.sources.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * Parses URLs as they appear in scraped URL lists and in Location headers, where spaces, {@code |}
 * or non-ASCII characters are often left unescaped. A string that is already a valid URI is used as
 * is; otherwise only the characters that a URI may not contain are percent-encoded (as UTF-8),
 * leaving existing {@code %XX} escapes alone, so nothing is encoded twice.
 */
public final class LenientUrl {
  // RFC 3986 unreserved + reserved characters, plus '%' so existing escapes survive.
  private static final String ALLOWED =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%";

  private LenientUrl() {}

  /**
   * Parses {@code raw} (surrounding whitespace ignored) into a URI.
   *
   * @throws URISyntaxException when even the escaped form is not a URI
   */
  public static URI parse(String raw) throws URISyntaxException {
    String trimmed = raw.strip();
    try {
      return new URI(trimmed);
    } catch (URISyntaxException strict) {
      return new URI(escapeIllegal(trimmed));
    }
  }

  static String escapeIllegal(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 128 && ALLOWED.indexOf(cp) >= 0) {
        out.append((char) cp);
      } else {
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
          out.append('%').append(String.format("%02X", b & 0xff));
        }
      }
    }
    return out.toString();
  }
}
