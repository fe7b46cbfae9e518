package org.dalle.jobs.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dalle.jobs.train.ProgressBar;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.schemas.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampling job in one process (sections 2.3 and 2.5 of the paper): for every caption, N
 * candidates drawn from the prior and decoded by the dVAE ({@link RerankingSampler}), the best K by
 * the reranker written by {@link SampleOutput} in a staging directory that is renamed into place.
 * {@link SamplePipeline} is the same job on Beam, for many captions.
 */
public final class CaptionSampler {
  private static final Logger LOG = LoggerFactory.getLogger(CaptionSampler.class);

  /**
   * What a run wrote.
   *
   * @param out the output directory
   * @param images samples written (K per caption)
   * @param imageTokensPerSecond sampled image tokens per second (decoder only, dVAE and reranker
   *     excluded)
   */
  public record Result(Path out, int images, double imageTokensPerSecond) {}

  private CaptionSampler() {}

  /**
   * Samples, reranks and writes.
   *
   * @param scorer the reranker; null to keep every candidate unscored (then K must equal N). The
   *     caller owns it.
   * @param overwrite replace an existing output directory
   * @throws IllegalStateException when the output exists and {@code overwrite} is false, or the
   *     reranker scores a caption's candidates NaN or infinite
   * @throws IllegalArgumentException when the settings, the models or the prefix image do not fit
   *     together
   */
  public static Result run(SampleConfig config, ImageTextScorer scorer, boolean overwrite)
      throws IOException {
    config.validate();
    RerankingSampler.checkSettings(config.settings(), scorer != null);
    Path out = Path.of(config.out());
    if (Files.exists(out) && !overwrite) {
      throw new IllegalStateException(out + " already exists; pass --overwrite to replace it");
    }
    try (SamplerModels models = SamplerModels.open(config.transformer(), config.dvae())) {
      long[] known = null;
      if (config.prefixImage() != null) {
        int grid = models.prior().config().gridSize();
        if (config.keepRows() >= grid) {
          throw new IllegalArgumentException(
              String.format(
                  "--keep-rows is %d; expected 1..%d so that rows of the %dx%d grid are left to"
                      + " sample",
                  config.keepRows(), grid - 1, grid, grid));
        }
        known =
            PrefixImage.tokens(
                Path.of(config.prefixImage()), models.dvae(), config.keepRows(), models.manager());
      }
      RerankingSampler sampler = new RerankingSampler(models, scorer, config.settings(), known);
      SampleOutput output = SampleOutput.begin(out);
      boolean committed = false;
      try {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < config.captions().size(); i++) {
          index.put(config.captions().get(i).id(), i);
        }
        int total = config.captions().size();
        ProgressBar progress = ProgressBar.forLog("sample", "caption", total, LOG);
        progress.update(0, Map.of());
        int[] done = {0};
        sampler.sample(
            config.captions(),
            new RerankingSampler.Sink() {
              @Override
              public void accept(SampleCaption caption, List<Sample> kept) throws IOException {
                output.add(index.get(caption.id()), caption, kept);
                progress.update(++done[0], Map.of());
              }

              @Override
              public void reject(SampleCaption caption, String reason, String detail) {
                throw new IllegalStateException(
                    "caption "
                        + caption.id()
                        + " could not be sampled ("
                        + reason
                        + "): "
                        + detail);
              }
            });
        progress.finish(done[0], Map.of());
        Map<String, Object> manifest =
            SampleManifest.of(config, scorer == null ? null : scorer.describe());
        manifest.put("captions", total);
        manifest.put("images", output.written());
        output.commit(manifest, overwrite);
        committed = true;
      } finally {
        if (!committed) {
          output.abort();
        }
      }
      return new Result(out, output.written(), sampler.imageTokensPerSecond());
    }
  }
}
