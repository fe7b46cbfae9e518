package org.dalle.jobs.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which data a run trained on: the folder its config's {@code data} key names, and the SHA-256 of
 * the {@code summary.json} the stage that wrote the folder leaves last (prepare, encode). The
 * summary counts every record and names the inputs, so another dataset in the same folder shows as
 * another hash without reading the shards.
 *
 * @param path the data folder as the config names it
 * @param summarySha256 the hex SHA-256 of its {@code summary.json}; null when it has none
 */
public record InputFingerprint(String path, String summarySha256) {

  /** The file whose hash fingerprints a data folder. */
  public static final String SUMMARY = "summary.json";

  /** The fingerprint of {@code dataDir}. */
  public static InputFingerprint of(String dataDir) throws IOException {
    Path summary = Path.of(dataDir).resolve(SUMMARY);
    if (!Files.isRegularFile(summary)) {
      return new InputFingerprint(dataDir, null);
    }
    return new InputFingerprint(dataDir, sha256(Files.readAllBytes(summary)));
  }

  /** The hex SHA-256 of {@code bytes}. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
