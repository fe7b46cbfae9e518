package org.dalle.pipelines.prepare;

import org.dalle.schemas.Rejected;

/** Builds {@link Rejected} records, the dead-letter output of every stage. */
final class Rejections {
  private Rejections() {}

  static Rejected of(String source, String sourceKey, String stage, String reason, String detail) {
    return Rejected.newBuilder()
        .setSource(source)
        .setSourceKey(sourceKey)
        .setStage(stage)
        .setReason(reason)
        .setDetail(detail)
        .build();
  }

  /** The key under which summaries count a rejection: {@code stage/reason}. */
  static String countKey(Rejected r) {
    return r.getStage() + "/" + r.getReason();
  }
}
