package org.dalle.jobs.sample;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * The captions {@code dalle sample} reads, in one of three forms chosen by the file name:
 *
 * <ul>
 *   <li>{@code *.jsonl}: one object per line, {@code {"id": "…", "caption": "…"}} (other fields are
 *       ignored; blank lines skipped);
 *   <li>{@code *.avro}, or a directory of them: records with string fields {@code id} and {@code
 *       caption}, such as the prepare stage's {@code CaptionedImage} or the encode stage's {@code
 *       TokenizedExample};
 *   <li>anything else: UTF-8 text, one caption per line, blank lines and lines starting with {@code
 *       #} skipped; each caption's id is {@link SampleCaption#idOf} its text.
 * </ul>
 */
public final class CaptionFiles {

  /** The formats, by file name. */
  public enum Format {
    TEXT,
    JSONL,
    AVRO;

    /** The format of a file (or glob) by its name. */
    public static Format of(String name) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".jsonl")) {
        return JSONL;
      }
      return lower.endsWith(".avro") ? AVRO : TEXT;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private CaptionFiles() {}

  /**
   * The captions in {@code path}, in file order (a directory's {@code .avro} files by name).
   *
   * @throws IllegalArgumentException naming the file (and line) of a malformed record, or a path
   *     that does not exist
   */
  public static List<SampleCaption> read(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      List<Path> shards;
      try (Stream<Path> files = Files.list(path)) {
        shards = files.filter(p -> p.toString().endsWith(".avro")).sorted().toList();
      }
      if (shards.isEmpty()) {
        throw new IllegalArgumentException(
            "--captions " + path + " is a directory without .avro files; expected caption records");
      }
      List<SampleCaption> captions = new ArrayList<>();
      for (Path shard : shards) {
        captions.addAll(readAvro(shard));
      }
      return captions;
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("--captions " + path + " does not exist");
    }
    return switch (Format.of(path.getFileName().toString())) {
      case AVRO -> readAvro(path);
      case JSONL -> readLines(path, true);
      case TEXT -> readLines(path, false);
    };
  }

  /**
   * The caption on one line of a JSONL file.
   *
   * @param where the file and line, for messages
   * @return empty for a blank line
   * @throws IllegalArgumentException naming {@code where} when the line is not such an object
   */
  public static Optional<SampleCaption> parseJsonLine(String line, String where) {
    if (line.isBlank()) {
      return Optional.empty();
    }
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          where
              + " is not JSON ("
              + e.getOriginalMessage()
              + "); expected {\"id\":…,\"caption\":…}",
          e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          where + " is not a JSON object; expected {\"id\": \"…\", \"caption\": \"…\"}");
    }
    JsonNode id = node.get("id");
    if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
      throw new IllegalArgumentException(
          where + " has no string or integer \"id\"; got " + (id == null ? "none" : id));
    }
    JsonNode caption = node.get("caption");
    if (caption == null || !caption.isTextual()) {
      throw new IllegalArgumentException(
          where + " has no string \"caption\"; got " + (caption == null ? "none" : caption));
    }
    try {
      return Optional.of(new SampleCaption(id.asText(), caption.asText()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** The caption on one line of a text file; empty for a blank or {@code #} comment line. */
  public static Optional<SampleCaption> parseTextLine(String line) {
    if (line.isBlank() || line.strip().startsWith("#")) {
      return Optional.empty();
    }
    return Optional.of(SampleCaption.ofText(line));
  }

  /**
   * Checks that records of {@code schema} carry string fields {@code id} and {@code caption}.
   *
   * @throws IllegalArgumentException naming the schema and the missing field
   */
  public static void checkAvroSchema(Schema schema, String where) {
    for (String field : List.of("id", "caption")) {
      Schema.Field f = schema.getType() == Schema.Type.RECORD ? schema.getField(field) : null;
      if (f == null || f.schema().getType() != Schema.Type.STRING) {
        throw new IllegalArgumentException(
            where
                + " holds "
                + schema.getFullName()
                + " records without a string field '"
                + field
                + "'; expected records with id and caption, such as CaptionedImage or"
                + " TokenizedExample");
      }
    }
  }

  /** The caption of an Avro record whose schema passed {@link #checkAvroSchema}. */
  public static SampleCaption fromRecord(GenericRecord record) {
    return new SampleCaption(record.get("id").toString(), record.get("caption").toString());
  }

  private static List<SampleCaption> readLines(Path path, boolean json) throws IOException {
    List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    List<SampleCaption> captions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      (json ? parseJsonLine(lines.get(i), path + ":" + (i + 1)) : parseTextLine(lines.get(i)))
          .ifPresent(captions::add);
    }
    return captions;
  }

  private static List<SampleCaption> readAvro(Path path) throws IOException {
    List<SampleCaption> captions = new ArrayList<>();
    try (DataFileReader<GenericRecord> reader =
        new DataFileReader<>(path.toFile(), new GenericDatumReader<>())) {
      checkAvroSchema(reader.getSchema(), path.toString());
      long index = 0;
      for (GenericRecord record : reader) {
        try {
          captions.add(fromRecord(record));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(path + ": record " + index + ": " + e.getMessage(), e);
        }
        index++;
      }
    }
    return captions;
  }
}
