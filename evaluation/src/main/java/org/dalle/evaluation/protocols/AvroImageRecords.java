package org.dalle.evaluation.protocols;

import java.nio.ByteBuffer;
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
   * @param keyField a string field unique per record, used to order the logits for the IS
   * @param imageField the bytes field holding the encoded image (PNG)
   */
  record Fields(String keyField, String imageField) {}

  static final Map<String, Fields> TYPES =
      Map.of("org.dalle.schemas.CaptionedImage", new Fields("id", "image_png"));

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
    Object key = record.get(fields.keyField());
    return key == null ? "" : key.toString();
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
