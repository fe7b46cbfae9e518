package org.dalle.pipelines.sources;

import java.nio.charset.StandardCharsets;

/**
 * Picks one of an item's captions from a seed and the item's own key, so the choice depends on
 * nothing else: not on the order in which records arrive, the bundle they land in, or the other
 * items of the dataset. Used by the multi-caption sources (MS-COCO, CUB) when {@link
 * SourceConfig#oneCaptionPerImage()} is set.
 */
final class CaptionChoice {
  private CaptionChoice() {}

  /**
   * Index in {@code [0, count)} of the caption to keep for the item {@code itemKey}; the caller
   * must list the captions in an order fixed by the data (annotation id, line number).
   */
  static int index(long seed, String itemKey, int count) {
    if (count < 1) {
      throw new IllegalArgumentException(
          "need at least one caption to choose from for '" + itemKey + "', got " + count);
    }
    long mixed = mix(fnv1a(itemKey) ^ mix(seed));
    return (int) Long.remainderUnsigned(mixed, count);
  }

  /** 64-bit FNV-1a over the UTF-8 bytes: every character of the key counts. */
  private static long fnv1a(String key) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  /** SplitMix64 finaliser: spreads nearby seeds and keys over all 64 bits. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
