package org.dalle.jobs.sample;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.schemas.Rejected;
import org.dalle.schemas.Sample;

/**
 * {@code (id, caption)} pairs → the kept {@link Sample}s of each caption (sections 2.3 and 2.5 of
 * the paper). Captions are spread over {@code shards} keys by id and grouped into batches whose
 * candidates fill about one decoding batch; {@link SampleCaptionsFn} samples each batch. Since
 * every candidate has its own seed, the records do not depend on how captions are batched.
 */
final class SampleCaptions extends PTransform<PCollection<KV<String, String>>, PCollectionTuple> {
  static final TupleTag<Sample> SAMPLES = SampleCaptionsFn.SAMPLES;
  static final TupleTag<Rejected> REJECTED = SampleCaptionsFn.REJECTED;

  private final SamplePipelineConfig config;
  private final RerankerLoader.Factory reranker;

  /**
   * @param reranker opens the reranker on each worker; null to run without one
   */
  SampleCaptions(SamplePipelineConfig config, RerankerLoader.Factory reranker) {
    this.config = config.validate();
    this.reranker = reranker;
    RerankingSampler.checkSettings(config.settings(), reranker != null);
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<String, String>> captions) {
    int shards = config.shards();
    PCollectionTuple sampled =
        captions
            .apply(
                "KeyByShard",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.integers(),
                            TypeDescriptors.kvs(
                                TypeDescriptors.strings(), TypeDescriptors.strings())))
                    .via(kv -> KV.of(Math.floorMod(kv.getKey().hashCode(), shards), kv)))
            .setCoder(
                KvCoder.of(
                    VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
            .apply("BatchCaptions", GroupIntoBatches.ofSize(config.captionsPerBatch()))
            .apply(
                "SampleAndRerank",
                ParDo.of(new SampleCaptionsFn(config, reranker))
                    .withOutputTags(SAMPLES, TupleTagList.of(REJECTED)));
    sampled.get(SAMPLES).setCoder(AvroCoder.of(Sample.class));
    sampled.get(REJECTED).setCoder(AvroCoder.of(Rejected.class));
    return sampled;
  }
}
