package org.dalle.pipelines.prepare;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.dalle.pipelines.sources.SourceConfig;

/**
 * Everything the prepare job needs, resolved from a YAML file under {@code configs/} and
 * command-line flags. Immutable; {@link #validate()} rejects settings that make no sense together
 * before any work starts.
 *
 * @param inputs source specs, e.g. {@code synthetic:2000,seed=1,size=64} or {@code folder:/data/x}
 * @param dedupAgainst evaluation-set source specs whose near-duplicates are removed from training
 * @param out output directory (local or any Beam file system, e.g. gs://bucket/run)
 * @param imageSize side of the square output images
 * @param minSide images whose shorter side is smaller are rejected ({@code too_small})
 * @param maxAspectRatio images whose long/short side ratio exceeds it are rejected (paper: 2)
 * @param maxPixels declared width × height above which an image is rejected before decoding
 * @param minCaptionChars normalised captions shorter than this are rejected
 * @param maxCaptionChars normalised captions longer than this are rejected
 * @param vocabSize BPE vocabulary size (paper: 16384)
 * @param bpeMinFrequency a pair must occur at least this often to be merged
 * @param textLength caption tokens per record (paper: 256); longer captions are truncated
 * @param nearDuplicateThreshold largest perceptual-hash Hamming distance that counts as a duplicate
 * @param source settings shared by the sources
 */
public record PrepareConfig(
    List<String> inputs,
    List<String> dedupAgainst,
    String out,
    int imageSize,
    int minSide,
    double maxAspectRatio,
    long maxPixels,
    int minCaptionChars,
    int maxCaptionChars,
    int vocabSize,
    int bpeMinFrequency,
    int textLength,
    int nearDuplicateThreshold,
    SourceConfig source)
    implements Serializable {

  public PrepareConfig {
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    dedupAgainst = dedupAgainst == null ? List.of() : List.copyOf(dedupAgainst);
    source = source == null ? SourceConfig.builder().build() : source;
  }

  /** The documented defaults; {@code inputs} and {@code out} must still be given. */
  public static PrepareConfig defaults() {
    return new PrepareConfig(
        List.of(),
        List.of(),
        "",
        256,
        64,
        2.0,
        50_000_000L,
        1,
        1024,
        16384,
        2,
        256,
        10,
        SourceConfig.builder().build());
  }

  /** Fails with every problem found, each naming the bad value and what was expected. */
  public PrepareConfig validate() {
    List<String> problems = new ArrayList<>();
    if (inputs.isEmpty()) {
      problems.add("no input source: give at least one, e.g. --input synthetic:2000");
    }
    if (out == null || out.isBlank()) {
      problems.add("no output directory: give --out DIR");
    }
    if (imageSize < 8 || imageSize > 4096) {
      problems.add("image_size must be in [8, 4096], got " + imageSize);
    }
    if (minSide < 1) {
      problems.add("min_side must be >= 1, got " + minSide);
    }
    if (!(maxAspectRatio >= 1.0)) {
      problems.add("max_aspect_ratio must be >= 1 (long side / short side), got " + maxAspectRatio);
    }
    if (maxPixels < 1) {
      problems.add("max_pixels must be >= 1, got " + maxPixels);
    }
    if (minCaptionChars < 1 || maxCaptionChars < minCaptionChars) {
      problems.add(
          "caption length bounds must satisfy 1 <= min_caption_chars <= max_caption_chars, got "
              + minCaptionChars
              + " and "
              + maxCaptionChars);
    }
    if (vocabSize < 256) {
      problems.add("vocab_size must be >= 256 (the byte alphabet), got " + vocabSize);
    }
    if (bpeMinFrequency < 1) {
      problems.add("bpe_min_frequency must be >= 1, got " + bpeMinFrequency);
    }
    if (textLength < 1) {
      problems.add("text_length must be >= 1, got " + textLength);
    }
    if (nearDuplicateThreshold < 0 || nearDuplicateThreshold > 31) {
      problems.add(
          "near_duplicate_threshold must be in [0, 31] bits, got " + nearDuplicateThreshold);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid prepare config:\n  - " + String.join("\n  - ", problems));
    }
    return this;
  }
}
