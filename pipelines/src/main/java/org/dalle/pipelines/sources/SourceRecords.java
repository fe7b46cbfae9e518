package org.dalle.pipelines.sources;

import java.nio.ByteBuffer;
import java.util.Map;
import org.dalle.schemas.RawExample;
import org.dalle.schemas.Rejected;

/** Builds the two records a source emits: a {@link RawExample} or a read-stage {@link Rejected}. */
final class SourceRecords {
  /** Stage name of everything a file source rejects. */
  static final String READ_STAGE = "read";

  private SourceRecords() {}

  /** A raw example; {@code caption} is null when the source has none for this image. */
  static RawExample example(
      String source,
      String sourceKey,
      byte[] imageBytes,
      String caption,
      Map<String, String> attributes) {
    return RawExample.newBuilder()
        .setSource(source)
        .setSourceKey(sourceKey)
        .setImageBytes(ByteBuffer.wrap(imageBytes))
        .setCaption(caption)
        .setAttributes(attributes)
        .build();
  }

  /** A record the source could not read, with a snake_case {@code reason}. */
  static Rejected rejected(String source, String sourceKey, String reason, String detail) {
    return Rejected.newBuilder()
        .setSource(source)
        .setSourceKey(sourceKey)
        .setStage(READ_STAGE)
        .setReason(reason)
        .setDetail(detail)
        .build();
  }
}
