package org.dalle.pipelines.prepare;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Distinct;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.schemas.CaptionedImage;

/**
 * Removes training images that are near-duplicates of evaluation images (perceptual-hash Hamming
 * distance at most the threshold), so evaluation on e.g. MS-COCO validation is not contaminated.
 *
 * <p>Hashes are bucketed by {@link HammingBands}: only records sharing a band are compared, and no
 * pair within the threshold is missed. Outputs the kept training images, one line per (removed
 * training record, evaluation record, distance), and the evaluation records that had a
 * near-duplicate in training (the evaluation stage reports results with these removed).
 */
final class RemoveNearDuplicates extends PTransform<PCollection<CaptionedImage>, PCollectionTuple> {
  static final TupleTag<CaptionedImage> KEPT = new TupleTag<CaptionedImage>() {};
  static final TupleTag<String> REMOVED = new TupleTag<String>() {};
  static final TupleTag<String> EVAL_OVERLAP = new TupleTag<String>() {};

  private final PCollection<CaptionedImage> evaluationImages;
  private final HammingBands bands;

  RemoveNearDuplicates(PCollection<CaptionedImage> evaluationImages, int threshold) {
    this.evaluationImages = evaluationImages;
    this.bands = new HammingBands(threshold);
  }

  @Override
  public PCollectionTuple expand(PCollection<CaptionedImage> training) {
    TupleTag<String> trainTag = new TupleTag<>();
    TupleTag<String> evalTag = new TupleTag<>();
    PCollection<KV<String, CoGbkResult>> buckets =
        KeyedPCollectionTuple.of(trainTag, training.apply("BucketTraining", bucketed()))
            .and(evalTag, evaluationImages.apply("BucketEvaluation", bucketed()))
            .apply("GroupBuckets", CoGroupByKey.create());

    // "trainKey \t evalKey \t distance"; a pair sharing several bands is found several times.
    PCollection<String> pairs =
        buckets
            .apply("ComparePairs", ParDo.of(new ComparePairsFn(bands, trainTag, evalTag)))
            .setCoder(StringUtf8Coder.of())
            .apply("DistinctPairs", Distinct.create());

    PCollection<KV<String, String>> removedKeys =
        pairs
            .apply(
                "ByTrainingKey",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via(line -> KV.of(line.substring(0, line.indexOf('\t')), line)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
            .apply(
                "OnePerTrainingKey",
                Combine.perKey(
                    (Iterable<String> lines) -> {
                      String min = null;
                      for (String line : lines) {
                        min = min == null || line.compareTo(min) < 0 ? line : min;
                      }
                      return min;
                    }));
    PCollectionView<Map<String, String>> removedView =
        removedKeys.apply("RemovedAsMap", View.asMap());

    PCollection<CaptionedImage> kept =
        training
            .apply(
                "DropNearDuplicates",
                ParDo.of(new RemoveExactDuplicates.DropKeysFn(removedView))
                    .withSideInputs(removedView))
            .setCoder(AvroCoder.of(CaptionedImage.class));
    PCollection<String> overlap =
        pairs
            .apply(
                "EvaluationKey",
                MapElements.into(TypeDescriptors.strings()).via(line -> line.split("\t")[1]))
            .apply("DistinctEvaluationKeys", Distinct.create());
    return PCollectionTuple.of(KEPT, kept).and(REMOVED, pairs).and(EVAL_OVERLAP, overlap);
  }

  private ParDo.SingleOutput<CaptionedImage, KV<String, String>> bucketed() {
    return ParDo.of(new BucketFn(bands));
  }

  /** Emits (band bucket, "source/key \t hash") once per band of the image's hash. */
  private static final class BucketFn extends DoFn<CaptionedImage, KV<String, String>> {
    private final HammingBands bands;

    BucketFn(HammingBands bands) {
      this.bands = bands;
    }

    @ProcessElement
    public void process(@Element CaptionedImage image, OutputReceiver<KV<String, String>> out) {
      String entry = RemoveExactDuplicates.qualifiedKey(image) + "\t" + image.getPhash();
      for (int band = 0; band < bands.bandCount(); band++) {
        out.output(KV.of(bands.bucket(image.getPhash(), band), entry));
      }
    }
  }

  private static final class ComparePairsFn extends DoFn<KV<String, CoGbkResult>, String> {
    private final HammingBands bands;
    private final TupleTag<String> trainTag;
    private final TupleTag<String> evalTag;

    ComparePairsFn(HammingBands bands, TupleTag<String> trainTag, TupleTag<String> evalTag) {
      this.bands = bands;
      this.trainTag = trainTag;
      this.evalTag = evalTag;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> bucket, OutputReceiver<String> out) {
      List<String[]> evaluation = new ArrayList<>();
      for (String entry : bucket.getValue().getAll(evalTag)) {
        evaluation.add(entry.split("\t"));
      }
      if (evaluation.isEmpty()) {
        return;
      }
      for (String entry : bucket.getValue().getAll(trainTag)) {
        int tab = entry.lastIndexOf('\t');
        long hash = Long.parseLong(entry.substring(tab + 1));
        for (String[] eval : evaluation) {
          int distance = HammingBands.distance(hash, Long.parseLong(eval[1]));
          if (distance <= bands.threshold()) {
            out.output(entry.substring(0, tab) + "\t" + eval[0] + "\t" + distance);
          }
        }
      }
    }
  }
}
