package org.dalle.evaluation.protocols;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The caption file of an evaluation protocol, {@code captions.jsonl}: one JSON object per line,
 * {@code {"id": …, "caption": …, "image": …}} ({@link EvaluationCaption}), in the order the
 * protocol chose them. {@code dalle sample --captions captions.jsonl} samples for its captions in
 * this order, and the reference images are listed, in the same order, in {@code
 * reference_images.txt} (MS-COCO; for CUB every test image once).
 */
public final class EvaluationCaptionFile {
  public static final String CAPTIONS = "captions.jsonl";
  public static final String REFERENCE_IMAGES = "reference_images.txt";

  private static final ObjectMapper JSON = new ObjectMapper();

  private EvaluationCaptionFile() {}

  /** The file's text: one JSON object per caption, each line ending in a line feed. */
  static String toJsonLines(List<EvaluationCaption> captions) {
    StringBuilder text = new StringBuilder();
    for (EvaluationCaption caption : captions) {
      try {
        text.append(JSON.writeValueAsString(caption)).append('\n');
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("could not write caption " + caption.id(), e);
      }
    }
    return text.toString();
  }

  /**
   * Reads a caption file; blank lines are skipped.
   *
   * @throws IllegalArgumentException naming the line that is not such an object
   */
  public static List<EvaluationCaption> read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("caption file " + path + " does not exist");
    }
    List<EvaluationCaption> captions = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        captions.add(parseLine(line, path + " line " + number));
      }
    }
    return captions;
  }

  private static EvaluationCaption parseLine(String line, String where) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          where + " is not JSON (" + e.getOriginalMessage() + "); " + expected(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + " is not a JSON object; " + expected());
    }
    for (String field : List.of("id", "caption", "image")) {
      if (!node.path(field).isTextual()) {
        throw new IllegalArgumentException(
            where + " has no text field \"" + field + "\"; " + expected());
      }
    }
    return new EvaluationCaption(
        node.get("id").asText(), node.get("caption").asText(), node.get("image").asText());
  }

  private static String expected() {
    return "expected {\"id\": …, \"caption\": …, \"image\": …} as dalle eval-captions writes";
  }
}
