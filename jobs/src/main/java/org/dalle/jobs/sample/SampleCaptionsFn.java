package org.dalle.jobs.sample;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.pipelines.encode.ImageTokenizer;
import org.dalle.schemas.Rejected;
import org.dalle.schemas.Sample;

/**
 * Samples a batch of captions on a Beam worker with {@link RerankingSampler}: the transformer, the
 * dVAE and the reranker are loaded once per instance in {@link Setup} and freed in {@link
 * Teardown}. A caption that cannot be sampled (blank, or scored NaN) goes to {@link #REJECTED} with
 * the reason; the others' kept samples to {@link #SAMPLES}.
 */
final class SampleCaptionsFn extends DoFn<KV<Integer, Iterable<KV<String, String>>>, Sample> {
  static final TupleTag<Sample> SAMPLES = new TupleTag<Sample>() {};
  static final TupleTag<Rejected> REJECTED = new TupleTag<Rejected>() {};
  static final String STAGE = "sample";

  private final SamplePipelineConfig config;
  private final RerankerLoader.Factory reranker;
  private transient SamplerModels models;
  private transient ImageTextScorer scorer;
  private transient RerankingSampler sampler;

  /**
   * @param reranker opens the reranker on the worker; null to run without one
   */
  SampleCaptionsFn(SamplePipelineConfig config, RerankerLoader.Factory reranker) {
    this.config = config;
    this.reranker = reranker;
  }

  @Setup
  public void setup() throws IOException {
    ImageTokenizer.setEngineThreads(config.threads());
    models = SamplerModels.open(config.transformer(), config.dvae());
    try {
      scorer = reranker == null ? null : reranker.open();
      sampler = new RerankingSampler(models, scorer, config.settings(), null);
    } catch (IOException | RuntimeException e) {
      teardown();
      throw e;
    }
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, Iterable<KV<String, String>>> batch, MultiOutputReceiver out)
      throws IOException {
    List<SampleCaption> captions = new ArrayList<>();
    for (KV<String, String> kv : batch.getValue()) {
      try {
        captions.add(new SampleCaption(kv.getKey(), kv.getValue()));
      } catch (IllegalArgumentException e) {
        reject(out, kv.getKey(), "caption_blank", e.getMessage());
      }
    }
    sampler.sample(
        captions,
        new RerankingSampler.Sink() {
          @Override
          public void accept(SampleCaption caption, List<Sample> kept) {
            Metrics.counter(SamplePipeline.METRICS, "captions").inc();
            Metrics.counter(SamplePipeline.METRICS, "images").inc(kept.size());
            kept.forEach(out.get(SAMPLES)::output);
          }

          @Override
          public void reject(SampleCaption caption, String reason, String detail) {
            SampleCaptionsFn.this.reject(out, caption.id(), reason, detail);
          }
        });
  }

  @Teardown
  public void teardown() {
    if (scorer != null) {
      scorer.close();
      scorer = null;
    }
    if (models != null) {
      models.close();
      models = null;
    }
  }

  void reject(MultiOutputReceiver out, String id, String reason, String detail) {
    Metrics.counter(SamplePipeline.METRICS, "rejected").inc();
    out.get(REJECTED)
        .output(
            Rejected.newBuilder()
                .setSource(config.captions())
                .setSourceKey(id == null ? "" : id)
                .setStage(STAGE)
                .setReason(reason)
                .setDetail(detail)
                .build());
  }
}
