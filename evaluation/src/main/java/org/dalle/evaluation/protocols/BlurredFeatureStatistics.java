package org.dalle.evaluation.protocols;

import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.dalle.schemas.Rejected;

/**
 * Encoded images (key, bytes) → per blur radius, the float64 moments of their features (for the
 * FID) and their logits grouped for the Inception Score (DALL·E paper, section 3.2, figure 9). The
 * moments are a combine, so they are computed in parallel pieces and merged; only feature vectors
 * and logits are shuffled, never images.
 */
final class BlurredFeatureStatistics
    extends PTransform<PCollection<KV<String, byte[]>>, PCollectionTuple> {
  /** Per radius label: count, mean and M₂ of the features. */
  static final TupleTag<KV<String, FeatureMoments>> MOMENTS = new TupleTag<>() {};

  /** Per radius label: (image key, logits) of every image, in no particular order. */
  static final TupleTag<KV<String, Iterable<KV<String, double[]>>>> LOGITS = new TupleTag<>() {};

  static final TupleTag<Rejected> REJECTED = BlurredFeaturesFn.REJECTED;

  /** The keys of the images that were used, one each. */
  static final TupleTag<String> USED = BlurredFeaturesFn.USED;

  private final EvalFeaturesConfig config;
  private final String source;

  BlurredFeatureStatistics(EvalFeaturesConfig config, String source) {
    this.config = config.validate();
    this.source = source;
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<String, byte[]>> images) {
    PCollectionTuple featurized =
        images.apply(
            "BlurAndFeaturize",
            ParDo.of(new BlurredFeaturesFn(config, source))
                .withOutputTags(
                    BlurredFeaturesFn.FEATURES,
                    TupleTagList.of(BlurredFeaturesFn.LOGITS)
                        .and(BlurredFeaturesFn.REJECTED)
                        .and(BlurredFeaturesFn.USED)));
    PCollection<KV<String, FeatureMoments>> moments =
        featurized
            .get(BlurredFeaturesFn.FEATURES)
            .setCoder(KvCoder.of(StringUtf8Coder.of(), DoubleArrayCoder.of()))
            .apply("MomentsPerRadius", Combine.perKey(new FeatureMomentsFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), FeatureMomentsCoder.of()));
    PCollection<KV<String, Iterable<KV<String, double[]>>>> logits =
        featurized
            .get(BlurredFeaturesFn.LOGITS)
            .setCoder(
                KvCoder.of(
                    StringUtf8Coder.of(), KvCoder.of(StringUtf8Coder.of(), DoubleArrayCoder.of())))
            .apply("LogitsPerRadius", GroupByKey.create());
    return PCollectionTuple.of(MOMENTS, moments)
        .and(LOGITS, logits)
        .and(
            REJECTED,
            featurized.get(BlurredFeaturesFn.REJECTED).setCoder(AvroCoder.of(Rejected.class)))
        .and(USED, featurized.get(BlurredFeaturesFn.USED).setCoder(StringUtf8Coder.of()));
  }
}
