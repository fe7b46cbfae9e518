package org.dalle.evaluation.compositional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.dalle.schemas.CaptionedImage;

/**
 * Reads the captions of the benchmark with their ground-truth attributes, from
 *
 * <ul>
 *   <li>a {@code .jsonl} file, one object per line: {@code {"id": "…", "caption": "…",
 *       "attributes": {"kind": "single", …}}} (blank lines skipped);
 *   <li>a {@code .avro} file of {@link CaptionedImage} records, as the prepare stage writes them;
 *   <li>a directory: every {@code .avro} file in it, by name (e.g. a prepared {@code
 *       data/images/}).
 * </ul>
 */
public final class CaptionFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CaptionFile() {}

  /**
   * The captions in {@code path}, in file order.
   *
   * @throws IllegalArgumentException naming the file (and line) of a malformed or non-synthetic
   *     record, or a path that is none of the forms above
   */
  public static List<CaptionFacts> read(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      List<Path> shards;
      try (Stream<Path> files = Files.list(path)) {
        shards = files.filter(p -> p.toString().endsWith(".avro")).sorted().toList();
      }
      if (shards.isEmpty()) {
        throw new IllegalArgumentException("caption directory " + path + " holds no .avro files");
      }
      List<CaptionFacts> captions = new ArrayList<>();
      for (Path shard : shards) {
        captions.addAll(readAvro(shard));
      }
      return captions;
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("caption file " + path + " does not exist");
    }
    String name = path.getFileName().toString();
    if (name.endsWith(".jsonl")) {
      return readJsonl(path);
    }
    if (name.endsWith(".avro")) {
      return readAvro(path);
    }
    throw new IllegalArgumentException(
        "caption file " + path + " must be a .jsonl or .avro file, or a directory of .avro files");
  }

  private static List<CaptionFacts> readJsonl(Path path) throws IOException {
    List<CaptionFacts> captions = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String where = path + ":" + number;
        try {
          JsonNode node = JSON.readTree(line);
          captions.add(
              CaptionFacts.fromAttributes(
                  text(node, "id", where), text(node, "caption", where), attributes(node, where)));
        } catch (IOException | IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
      }
    }
    return captions;
  }

  private static List<CaptionFacts> readAvro(Path path) throws IOException {
    List<CaptionFacts> captions = new ArrayList<>();
    try (DataFileReader<CaptionedImage> reader =
        new DataFileReader<>(path.toFile(), new SpecificDatumReader<>(CaptionedImage.class))) {
      for (CaptionedImage record : reader) {
        try {
          captions.add(
              CaptionFacts.fromAttributes(
                  record.getId(), record.getCaption(), record.getAttributes()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
      }
    }
    return captions;
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(
          "expected a string field '" + field + "' in " + where + ", got " + value);
    }
    return value.asText();
  }

  private static Map<String, String> attributes(JsonNode node, String where) {
    JsonNode value = node.get("attributes");
    if (value == null || !value.isObject()) {
      throw new IllegalArgumentException(
          "expected an object field 'attributes' in " + where + ", got " + value);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!f.getValue().isTextual()) {
        throw new IllegalArgumentException(
            "attribute '"
                + f.getKey()
                + "' in "
                + where
                + " must be a string, got "
                + f.getValue());
      }
      attributes.put(f.getKey(), f.getValue().asText());
    }
    return attributes;
  }
}
