package org.dalle.pipelines.sources;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Streams an MS-COCO captions file ({@code {"images": [{"id", "file_name", ...}], "annotations":
 * [{"id", "image_id", "caption"}], ...}}) without building a tree, so the 90 MB training file costs
 * one pass and little memory. Other top-level fields and other fields of each entry are skipped; a
 * file that is not in this format fails with the entry and the JSON position.
 */
public final class CocoAnnotationsParser {
  /** Receives the entries in file order. */
  public interface Entries {
    void image(long imageId, String fileName);

    void caption(long annotationId, long imageId, String caption);
  }

  private static final JsonFactory JSON = new JsonFactory();

  private final String fileName;
  private final Entries entries;
  private final Map<Long, String> imageFiles = new HashMap<>();

  private CocoAnnotationsParser(String fileName, Entries entries) {
    this.fileName = fileName;
    this.entries = entries;
  }

  /** Parses {@code json}, naming it {@code fileName} in errors, and passes every entry on. */
  public static void parse(InputStream json, String fileName, Entries entries) throws IOException {
    try (JsonParser parser = JSON.createParser(json)) {
      new CocoAnnotationsParser(fileName, entries).parseTopLevel(parser);
    }
  }

  private void parseTopLevel(JsonParser parser) throws IOException {
    expect(parser, parser.nextToken(), JsonToken.START_OBJECT, "the top-level object");
    boolean sawImages = false;
    boolean sawAnnotations = false;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("images")) {
        expect(parser, value, JsonToken.START_ARRAY, "\"images\"");
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          parseImage(parser);
        }
        sawImages = true;
      } else if (field.equals("annotations")) {
        expect(parser, value, JsonToken.START_ARRAY, "\"annotations\"");
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          parseAnnotation(parser);
        }
        sawAnnotations = true;
      } else {
        parser.skipChildren();
      }
    }
    if (!sawImages || !sawAnnotations) {
      throw new IOException(
          fileName
              + " has no \""
              + (sawImages ? "annotations" : "images")
              + "\" array; expected an MS-COCO captions file such as captions_train2014.json");
    }
  }

  private void parseImage(JsonParser parser) throws IOException {
    expect(parser, parser.currentToken(), JsonToken.START_OBJECT, "an \"images\" entry");
    JsonLocation start = parser.currentTokenLocation();
    Long id = null;
    String file = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("id")) {
        id = longValue(parser, value, "images[].id");
      } else if (field.equals("file_name")) {
        file = stringValue(parser, value, "images[].file_name");
      } else {
        parser.skipChildren();
      }
    }
    if (id == null || file == null) {
      throw formatError(start, "an \"images\" entry lacks \"id\" or \"file_name\"");
    }
    String previous = imageFiles.putIfAbsent(id, file);
    if (previous != null) {
      throw formatError(
          start, "image id " + id + " is listed twice (" + previous + " and " + file + ")");
    }
    entries.image(id, file);
  }

  private void parseAnnotation(JsonParser parser) throws IOException {
    expect(parser, parser.currentToken(), JsonToken.START_OBJECT, "an \"annotations\" entry");
    JsonLocation start = parser.currentTokenLocation();
    Long id = null;
    Long imageId = null;
    String caption = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "id" -> id = longValue(parser, value, "annotations[].id");
        case "image_id" -> imageId = longValue(parser, value, "annotations[].image_id");
        case "caption" -> caption = stringValue(parser, value, "annotations[].caption");
        default -> parser.skipChildren();
      }
    }
    if (id == null || imageId == null || caption == null) {
      throw formatError(
          start,
          "an \"annotations\" entry lacks \"id\", \"image_id\" or \"caption\""
              + " (instances or keypoints files have no captions; use captions_*.json)");
    }
    entries.caption(id, imageId, caption);
  }

  private long longValue(JsonParser parser, JsonToken token, String what) throws IOException {
    if (token != JsonToken.VALUE_NUMBER_INT) {
      throw formatError(parser.currentTokenLocation(), what + " must be an integer, got " + token);
    }
    return parser.getLongValue();
  }

  private String stringValue(JsonParser parser, JsonToken token, String what) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw formatError(parser.currentTokenLocation(), what + " must be a string, got " + token);
    }
    return parser.getText();
  }

  private void expect(JsonParser parser, JsonToken actual, JsonToken expected, String what)
      throws IOException {
    if (actual != expected) {
      throw formatError(
          parser.currentTokenLocation(),
          "expected " + what + " to start with " + expected + ", got " + actual);
    }
  }

  /** An error naming the file, the line and column where the offending JSON value starts. */
  private IOException formatError(JsonLocation at, String problem) {
    return new IOException(
        fileName + " line " + at.getLineNr() + " column " + at.getColumnNr() + ": " + problem);
  }
}
