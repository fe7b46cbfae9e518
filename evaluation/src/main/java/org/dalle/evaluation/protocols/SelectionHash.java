package org.dalle.evaluation.protocols;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A keyed hash that orders items for a seeded random selection: the first 64 bits of SHA-256 over
 * the seed and the item's own identifiers. Because an item's rank depends only on the seed and the
 * item, a selection made by sorting on it is the same whatever order the input arrives in and
 * however the work is split, and the first k of a selection of n are the selection of k.
 */
final class SelectionHash {
  private SelectionHash() {}

  /**
   * The hash of {@code seed} and {@code parts}, as an unsigned 64-bit value (compare with {@link
   * Long#compareUnsigned}). Parts are separated by a byte that cannot occur in UTF-8 text, so
   * ("ab", "c") and ("a", "bc") differ.
   */
  static long of(long seed, String... parts) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
    for (String part : parts) {
      sha256.update((byte) 0xff);
      sha256.update(part.getBytes(StandardCharsets.UTF_8));
    }
    return ByteBuffer.wrap(sha256.digest()).getLong();
  }
}
