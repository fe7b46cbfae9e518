package org.dalle.jobs.sample;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A caption to sample for, with the id that names its outputs and seeds its candidates.
 *
 * @param id a stable id: given by a JSONL or Avro caption file, or {@link #idOf} the text
 * @param caption the caption as given (the sampler normalises it as the prepare stage does)
 */
public record SampleCaption(String id, String caption) implements Serializable {

  public SampleCaption {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("caption id is blank; expected a non-empty id");
    }
    if (caption == null || caption.isBlank()) {
      throw new IllegalArgumentException("caption " + id + " is blank; expected text");
    }
  }

  /** A caption without a given id: its id is {@link #idOf} its trimmed text. */
  public static SampleCaption ofText(String caption) {
    return new SampleCaption(idOf(caption), caption.strip());
  }

  /**
   * The id of a caption given as plain text: the first 16 hex digits of sha256 of its trimmed UTF-8
   * text, the form of the prepare stage's record ids. It depends on the text alone, not on its line
   * in a file, so the same caption keeps its id, and so its images, wherever it is listed.
   */
  public static String idOf(String caption) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(caption.strip().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
