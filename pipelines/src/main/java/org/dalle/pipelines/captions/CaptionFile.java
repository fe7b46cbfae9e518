package org.dalle.pipelines.captions;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * The one reader of caption files, behind {@code dalle sample --captions}, the compositional
 * benchmark's caption facts and the evaluation protocols' {@code captions.jsonl}. A file's form is
 * chosen by its name:
 *
 * <ul>
 *   <li>{@code *.jsonl}: one JSON object per line with a string (or integer) {@code id} and a
 *       string {@code caption}, and whatever else its reader needs ({@code attributes}, {@code
 *       image}); blank lines are skipped;
 *   <li>{@code *.avro}, or a directory of them (read by file name): records with string fields
 *       {@code id} and {@code caption}, such as the prepare stage's {@code CaptionedImage} or the
 *       encode stage's {@code TokenizedExample};
 *   <li>anything else: UTF-8 text, one caption per line; whether that is accepted, and how such a
 *       caption gets its id, is the caller's ({@link #readLines}).
 * </ul>
 */
public final class CaptionFile {

  /** The forms, by file name. */
  public enum Format {
    TEXT,
    JSONL,
    AVRO;

    /** The form of a file (or glob) by its name. */
    public static Format of(String name) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.endsWith(".jsonl")) {
        return JSONL;
      }
      return lower.endsWith(".avro") ? AVRO : TEXT;
    }
  }

  /**
   * One caption as its file holds it.
   *
   * @param where the file and line ({@code captions.jsonl:3}) or record, for messages
   * @param id the caption's id
   * @param caption its text, as written
   * @param fields the line's JSON object; for an Avro record its string and string-map fields
   */
  public record Entry(String where, String id, String caption, ObjectNode fields) {

    /**
     * A string field of the entry.
     *
     * @throws IllegalArgumentException naming the place and the field when it is not a string
     */
    public String text(String field) {
      JsonNode value = fields.get(field);
      if (value == null || !value.isTextual()) {
        throw new IllegalArgumentException(
            where + " has no string \"" + field + "\"; got " + (value == null ? "none" : value));
      }
      return value.asText();
    }

    /**
     * An object field of the entry whose values are strings, such as {@code attributes}.
     *
     * @throws IllegalArgumentException naming the place and the field when it is not such an object
     */
    public Map<String, String> strings(String field) {
      JsonNode value = fields.get(field);
      if (value == null || !value.isObject()) {
        throw new IllegalArgumentException(
            where + " has no object \"" + field + "\"; got " + (value == null ? "none" : value));
      }
      Map<String, String> strings = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> entries = value.fields();
      while (entries.hasNext()) {
        Map.Entry<String, JsonNode> entry = entries.next();
        if (!entry.getValue().isTextual()) {
          throw new IllegalArgumentException(
              where
                  + ": \""
                  + field
                  + "\" value '"
                  + entry.getKey()
                  + "' must be a string, got "
                  + entry.getValue());
        }
        strings.put(entry.getKey(), entry.getValue().asText());
      }
      return strings;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private CaptionFile() {}

  /**
   * The captions of a {@code .jsonl} or {@code .avro} file, or of a directory of {@code .avro}
   * files, in file order.
   *
   * @throws IllegalArgumentException naming the file (and line) of a malformed record, a path that
   *     does not exist, or one of another form
   */
  public static List<Entry> read(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      List<Path> shards;
      try (Stream<Path> files = Files.list(path)) {
        shards = files.filter(p -> p.toString().endsWith(".avro")).sorted().toList();
      }
      if (shards.isEmpty()) {
        throw new IllegalArgumentException(
            path + " is a directory without .avro files; expected caption records");
      }
      List<Entry> entries = new ArrayList<>();
      for (Path shard : shards) {
        entries.addAll(readAvro(shard));
      }
      return entries;
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("caption file " + path + " does not exist");
    }
    return switch (Format.of(path.getFileName().toString())) {
      case AVRO -> readAvro(path);
      case JSONL -> readLines(path, CaptionFile::parseJsonLine);
      case TEXT ->
          throw new IllegalArgumentException(
              "caption file "
                  + path
                  + " must be a .jsonl or .avro file, or a directory of .avro files");
    };
  }

  /** How one line of a file becomes a caption: {@code where} is the file and line. */
  @FunctionalInterface
  public interface LineParser<T> {
    Optional<T> parse(String line, String where);
  }

  /**
   * Every line of a UTF-8 file through {@code parser}, in order, skipping the lines it returns
   * nothing for.
   */
  public static <T> List<T> readLines(Path path, LineParser<T> parser) throws IOException {
    List<T> parsed = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        parser.parse(line, path + ":" + number).ifPresent(parsed::add);
      }
    }
    return parsed;
  }

  /**
   * The caption on one line of a JSONL file.
   *
   * @param where the file and line, for messages
   * @return empty for a blank line
   * @throws IllegalArgumentException naming {@code where} when the line is not such an object
   */
  public static Optional<Entry> parseJsonLine(String line, String where) {
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
    return Optional.of(new Entry(where, id.asText(), caption.asText(), (ObjectNode) node));
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

  /**
   * The caption of an Avro record whose schema passed {@link #checkAvroSchema}, with its string and
   * string-map fields (other fields, such as image bytes, are left out).
   */
  public static Entry fromRecord(GenericRecord record, String where) {
    ObjectNode fields = JSON.createObjectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      Object value = record.get(field.pos());
      if (value instanceof CharSequence text) {
        fields.put(field.name(), text.toString());
      } else if (value instanceof Map<?, ?> map
          && map.values().stream().allMatch(v -> v instanceof CharSequence)) {
        ObjectNode object = fields.putObject(field.name());
        map.forEach((k, v) -> object.put(k.toString(), v.toString()));
      }
    }
    return new Entry(where, record.get("id").toString(), record.get("caption").toString(), fields);
  }

  private static List<Entry> readAvro(Path path) throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (DataFileReader<GenericRecord> reader =
        new DataFileReader<>(path.toFile(), new GenericDatumReader<>())) {
      checkAvroSchema(reader.getSchema(), path.toString());
      long index = 0;
      for (GenericRecord record : reader) {
        entries.add(fromRecord(record, path + ": record " + index));
        index++;
      }
    }
    return entries;
  }
}
