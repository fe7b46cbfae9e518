package org.dalle.jobs.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dalle.pipelines.captions.CaptionFile;

/**
 * The captions {@code dalle sample} reads, through the one caption-file reader ({@link
 * CaptionFile}): a {@code .jsonl} file of {@code {"id": "…", "caption": "…"}} objects, an {@code
 * .avro} file (or a directory of them) of records with {@code id} and {@code caption}, or, for any
 * other name, UTF-8 text with one caption per line, blank lines and lines starting with {@code #}
 * skipped, each caption's id {@link SampleCaption#idOf} its text.
 */
public final class CaptionFiles {

  private CaptionFiles() {}

  /**
   * The captions in {@code path}, in file order (a directory's {@code .avro} files by name).
   *
   * @throws IllegalArgumentException naming the file (and line) of a malformed record, or a path
   *     that does not exist
   */
  public static List<SampleCaption> read(Path path) throws IOException {
    if (Files.isRegularFile(path)
        && CaptionFile.Format.of(path.getFileName().toString()) == CaptionFile.Format.TEXT) {
      return CaptionFile.readLines(path, (line, where) -> parseTextLine(line));
    }
    List<SampleCaption> captions = new ArrayList<>();
    for (CaptionFile.Entry entry : CaptionFile.read(path)) {
      captions.add(of(entry));
    }
    return captions;
  }

  /**
   * The caption on one line of a JSONL file.
   *
   * @param where the file and line, for messages
   * @return empty for a blank line
   * @throws IllegalArgumentException naming {@code where} when the line is not such an object
   */
  public static Optional<SampleCaption> parseJsonLine(String line, String where) {
    return CaptionFile.parseJsonLine(line, where).map(CaptionFiles::of);
  }

  /** The caption on one line of a text file; empty for a blank or {@code #} comment line. */
  public static Optional<SampleCaption> parseTextLine(String line) {
    if (line.isBlank() || line.strip().startsWith("#")) {
      return Optional.empty();
    }
    return Optional.of(SampleCaption.ofText(line));
  }

  /** The caption to sample for of an entry; fails naming its place when id or text is blank. */
  static SampleCaption of(CaptionFile.Entry entry) {
    try {
      return new SampleCaption(entry.id(), entry.caption());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(entry.where() + ": " + e.getMessage(), e);
    }
  }
}
