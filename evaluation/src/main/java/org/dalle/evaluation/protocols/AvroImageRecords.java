package org.dalle.evaluation.protocols;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * The Avro record types whose images the feature pipeline reads, by the record's full schema name:
 * which field holds the PNG bytes and which field names the record. A record type with an image
 * field is supported by adding one entry to {@link #TYPES}.
 */
final class AvroImageRecords {
  /**
   * Where a record keeps its image and its key.
   *
   * @param keyFields fields that together are unique per record (joined by '/'), used to order the
   *     logits for the IS
   * @param imageField the bytes field holding the encoded image (PNG)
   */
  record Fields(List<String> keyFields, String imageField) {}

  static final Map<String, Fields> TYPES =
      Map.of(
          "org.dalle.schemas.CaptionedImage", new Fields(List.of("id"), "image_png"),
          "org.dalle.schemas.Sample", new Fields(List.of("caption_id", "rank"), "image_png"));

  private AvroImageRecords() {}

  /**
   * @throws IllegalArgumentException for a record type not in {@link #TYPES}
   */
  static Fields fieldsOf(Schema schema, String where) {
    Fields fields = TYPES.get(schema.getFullName());
    if (fields == null) {
      throw new IllegalArgumentException(
          where
              + " holds "
              + schema.getFullName()
              + " records; the feature pipeline reads images from "
              + TYPES.keySet());
    }
    return fields;
  }

  /** The record's key. */
  static String key(GenericRecord record, Fields fields) {
    StringBuilder key = new StringBuilder();
    for (String field : fields.keyFields()) {
      Object value = record.get(field);
      if (key.length() > 0) {
        key.append('/');
      }
      key.append(value == null ? "" : value.toString());
    }
    return key.toString();
  }

  /** The record's image bytes, empty when the field is null. */
  static byte[] image(GenericRecord record, Fields fields) {
    Object value = record.get(fields.imageField());
    if (!(value instanceof ByteBuffer buffer)) {
      return new byte[0];
    }
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
