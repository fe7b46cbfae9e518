package org.dalle.pipelines.sources.http;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the AI opt-out directives {@code noai} and {@code noimageai} from {@code X-Robots-Tag}
 * header values. A response may carry several values; each holds comma-separated directives,
 * optionally scoped to a crawler with a {@code botname:} prefix. Any scoped or unscoped {@code
 * noai}/{@code noimageai} counts as an opt-out: a site that opts out for one crawler has said it
 * does not want its images used for training, and this pipeline honours that for everyone.
 */
public final class RobotsTag {
  public static final String HEADER = "X-Robots-Tag";

  // Directives are separated by commas; a bot prefix by a colon; stray whitespace is common.
  private static final Pattern TOKEN_SEPARATORS = Pattern.compile("[,:\\s]+");

  private RobotsTag() {}

  /** The first {@code noai} or {@code noimageai} directive found in {@code headerValues}. */
  public static Optional<String> aiOptOut(List<String> headerValues) {
    for (String value : headerValues) {
      for (String token : TOKEN_SEPARATORS.split(value.toLowerCase(Locale.ROOT))) {
        if (token.equals("noai") || token.equals("noimageai")) {
          return Optional.of(token);
        }
      }
    }
    return Optional.empty();
  }
}
