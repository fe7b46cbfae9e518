package org.dalle.jobs.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.models.transformer.SamplingOptions;

/**
 * The {@code run.json} of a sampling output: what was sampled, from which models, with which
 * settings and seed, reranked by what; enough to reproduce every image.
 */
final class SampleManifest {

  private SampleManifest() {}

  /**
   * The common part of both variants' manifests.
   *
   * @param reranker the reranker's {@code describe()}, or null without one
   */
  static Map<String, Object> of(
      String variant,
      String transformer,
      String dvae,
      String clip,
      String reranker,
      String captions,
      int candidates,
      int keep,
      int batchSize,
      SamplingOptions sampling,
      long seed) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("job", "sample");
    manifest.put("variant", variant);
    Map<String, Object> models = new LinkedHashMap<>();
    models.put("transformer", transformer);
    models.put("dvae", dvae);
    models.put("clip", clip);
    models.put("reranker", reranker);
    manifest.put("models", models);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("captions", captions);
    settings.put("candidates", candidates);
    settings.put("keep", keep);
    settings.put("batch_size", batchSize);
    settings.put("temperature", sampling.temperature());
    settings.put("top_k", sampling.topK());
    settings.put("top_p", sampling.topP());
    settings.put("seed", seed);
    settings.put(
        "candidate_seeds",
        "first 8 bytes (big-endian) of sha256(\"<seed>/<caption id>/<candidate>\")");
    manifest.put("settings", settings);
    manifest.put("versions", RunDirectory.versions());
    return manifest;
  }

  /** The single-process job's manifest. */
  static Map<String, Object> of(SampleConfig config, String reranker) {
    Map<String, Object> manifest =
        of(
            "local",
            config.transformer(),
            config.dvae(),
            config.clip(),
            reranker,
            config.captionSource(),
            config.candidates(),
            config.keep(),
            config.batchSize(),
            config.sampling(),
            config.seed());
    if (config.prefixImage() != null) {
      @SuppressWarnings("unchecked")
      Map<String, Object> settings = (Map<String, Object>) manifest.get("settings");
      settings.put("prefix_image", config.prefixImage());
      settings.put("keep_rows", config.keepRows());
    }
    return manifest;
  }
}
