package org.dalle.jobs.sample;

import java.io.Serializable;
import org.dalle.models.transformer.SamplingOptions;

/**
 * Everything the Beam variant of {@code dalle sample} needs ({@link SamplePipeline}).
 *
 * @param transformer a transformer export directory (local or on a Beam file system, e.g. gs://)
 * @param dvae the dVAE export whose codes the transformer models
 * @param clip the reranker's path as given with {@code --clip}, for the manifest; null without one
 * @param captions a caption file or glob: {@code *.jsonl}, {@code *.avro} or text ({@link
 *     CaptionFiles})
 * @param out the output directory (local or gs://)
 * @param candidates N, images drawn per caption
 * @param keep K ≤ N, images kept per caption
 * @param batchSize (caption, candidate) pairs decoded together on a worker
 * @param temperature logits are divided by it; 0 is greedy
 * @param topK keep the K most likely tokens; 0 keeps all
 * @param topP nucleus sampling threshold; 1 keeps all
 * @param seed the job's seed; candidate seeds derive from it, the caption id and the index
 * @param threads PyTorch intra-op threads per worker JVM; 0 keeps the engine's default
 * @param shards keys the captions are spread over before batching: at most this many batches are
 *     sampled in parallel
 */
public record SamplePipelineConfig(
    String transformer,
    String dvae,
    String clip,
    String captions,
    String out,
    int candidates,
    int keep,
    int batchSize,
    float temperature,
    int topK,
    float topP,
    long seed,
    int threads,
    int shards)
    implements Serializable {

  public SamplingOptions sampling() {
    return new SamplingOptions(temperature, topK, topP);
  }

  /** Captions per batch: enough for their candidates to fill one decoding batch. */
  int captionsPerBatch() {
    return Math.max(1, (batchSize + candidates - 1) / candidates);
  }

  RerankingSampler.Settings settings() {
    return new RerankingSampler.Settings(candidates, keep, batchSize, sampling(), seed);
  }

  /**
   * Checks the settings that need no file.
   *
   * @return this config
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public SamplePipelineConfig validate() {
    for (String[] flag :
        new String[][] {
          {"--transformer", transformer}, {"--dvae", dvae}, {"--captions", captions}, {"--out", out}
        }) {
      if (flag[1] == null || flag[1].isBlank()) {
        throw new IllegalArgumentException(flag[0] + " is not set; the Beam variant needs it");
      }
    }
    SampleConfig.checkCounts(candidates, keep, batchSize);
    sampling().validate();
    if (threads < 0) {
      throw new IllegalArgumentException("--threads is " + threads + "; expected 0 or more");
    }
    if (shards < 1) {
      throw new IllegalArgumentException("--shards is " + shards + "; expected at least 1");
    }
    return this;
  }
}
