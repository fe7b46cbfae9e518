package org.dalle.jobs.sample;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The seed of each candidate's token draws: a function of the job's seed, the caption id and the
 * candidate index only. So candidate {@code i} of a caption is the same image whatever the batch
 * size, the order of the captions, the other captions in its batch, or the worker that draws it —
 * which is what lets the Beam variant reproduce the single-process job.
 */
final class CandidateSeeds {

  private CandidateSeeds() {}

  /**
   * The first 8 bytes, big-endian, of sha256 over the UTF-8 text {@code seed/captionId/candidate}.
   */
  static long of(long seed, String captionId, int candidate) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((seed + "/" + captionId + "/" + candidate).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
