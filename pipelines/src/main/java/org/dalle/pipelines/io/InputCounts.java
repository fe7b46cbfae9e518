package org.dalle.pipelines.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;

/**
 * How much input a job will read, counted before it starts, so that its progress line has a total
 * and an ETA: the files a pattern matches, the lines those files hold. Works on every Beam file
 * system registered by {@link FileSystems#setDefaultPipelineOptions}. A pattern that matches
 * nothing counts 0: the job itself says what is missing.
 */
public final class InputCounts {
  private InputCounts() {}

  /** The files {@code pattern} matches whose file name {@code keep} accepts. */
  public static long files(String pattern, Predicate<String> keep) {
    return match(pattern).stream()
        .filter(file -> keep.test(file.resourceId().getFilename()))
        .count();
  }

  /**
   * The lines of the files {@code pattern} matches that {@code keep} accepts, given the line and
   * its 1-based number in its file. Bytes that are not UTF-8 count as U+FFFD, as the jobs read
   * them.
   */
  public static long lines(String pattern, LinePredicate keep) {
    long count = 0;
    for (MatchResult.Metadata file : match(pattern)) {
      try (BufferedReader reader =
          new BufferedReader(
              Channels.newReader(
                  FileSystems.open(file.resourceId()),
                  StandardCharsets.UTF_8
                      .newDecoder()
                      .onMalformedInput(CodingErrorAction.REPLACE)
                      .onUnmappableCharacter(CodingErrorAction.REPLACE),
                  -1))) {
        long number = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (keep.test(line, ++number)) {
            count++;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not count the lines of " + file.resourceId(), e);
      }
    }
    return count;
  }

  /** Accepts a line, given its 1-based number in its file. */
  @FunctionalInterface
  public interface LinePredicate {
    boolean test(String line, long number);
  }

  private static List<MatchResult.Metadata> match(String pattern) {
    try {
      return FileSystems.match(pattern, EmptyMatchTreatment.ALLOW).metadata();
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + pattern, e);
    }
  }
}
