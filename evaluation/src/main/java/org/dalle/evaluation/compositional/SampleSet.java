package org.dalle.evaluation.compositional;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A labelled set of generated images, looked up by the id of the caption they were generated from:
 * for example the top-1 image per caption after contrastive reranking and all the unreranked
 * samples (Ramesh et al. 2021, §2.6), so the benchmark shows what reranking buys.
 *
 * @param label the set's name in the results, e.g. {@link #TOP1_RERANKED}
 * @param images the images generated for a caption id, none when the set has none for it
 */
public record SampleSet(String label, Images images) {
  /** Conventional label of the best image per caption after reranking. */
  public static final String TOP1_RERANKED = "top1_reranked";

  /** Conventional label of all samples before reranking. */
  public static final String UNRERANKED = "unreranked";

  /** The images of one caption; reading them may fail. */
  @FunctionalInterface
  public interface Images {
    List<BufferedImage> of(String captionId) throws IOException;
  }

  /** A set held in memory, e.g. in tests or by a sampler that scores as it goes. */
  public static SampleSet inMemory(String label, Map<String, List<BufferedImage>> byCaption) {
    Map<String, List<BufferedImage>> copy = Map.copyOf(byCaption);
    return new SampleSet(label, id -> copy.getOrDefault(id, List.of()));
  }
}
