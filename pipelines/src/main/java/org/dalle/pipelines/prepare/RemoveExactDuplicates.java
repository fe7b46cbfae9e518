package org.dalle.pipelines.prepare;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.schemas.CaptionedImage;

/**
 * Removes exact duplicates: records with identical decoded pixels (sha256) and identical normalised
 * caption. The same image with different captions is kept, since MS-COCO and CUB give several
 * captions per image. Of a group of duplicates the record with the smallest (source, source key) is
 * kept, so the result does not depend on processing order.
 *
 * <p>Only small (dedup key, record key) strings are shuffled, grouped into {@code buckets} buckets
 * by the pixel hash; the records themselves never leave their bundle: they are filtered against the
 * (rare) removed keys, a side input.
 */
final class RemoveExactDuplicates
    extends PTransform<PCollection<CaptionedImage>, PCollectionTuple> {
  static final TupleTag<CaptionedImage> UNIQUE = new TupleTag<CaptionedImage>() {};

  /** One line per removed record: {@code removed source/key \t kept source/key}. */
  static final TupleTag<String> REMOVED = new TupleTag<String>() {};

  private final int buckets;

  RemoveExactDuplicates(int buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("dedup buckets must be >= 1, got " + buckets);
    }
    this.buckets = buckets;
  }

  @Override
  public PCollectionTuple expand(PCollection<CaptionedImage> images) {
    int bucketCount = buckets;
    PCollection<String> removed =
        images
            .apply(
                "BucketKeys",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.integers(), TypeDescriptors.strings()))
                    .via(
                        (CaptionedImage image) ->
                            KV.of(
                                Math.floorMod(image.getSha256().hashCode(), bucketCount),
                                image.getSha256()
                                    + "|"
                                    + image.getCaption()
                                    + "\t"
                                    + qualifiedKey(image))))
            .setCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of()))
            .apply("GroupBuckets", GroupByKey.create())
            .apply("FindDuplicates", ParDo.of(new FindDuplicatesFn()))
            .setCoder(StringUtf8Coder.of());
    PCollectionView<Map<String, String>> removedView =
        removed
            .apply(
                "ByRemovedKey",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via(line -> KV.of(line.substring(0, line.indexOf('\t')), line)))
            .apply("RemovedAsMap", View.asMap());
    PCollection<CaptionedImage> unique =
        images
            .apply(
                "DropDuplicates", ParDo.of(new DropKeysFn(removedView)).withSideInputs(removedView))
            .setCoder(AvroCoder.of(CaptionedImage.class));
    return PCollectionTuple.of(UNIQUE, unique).and(REMOVED, removed);
  }

  static String qualifiedKey(CaptionedImage image) {
    return image.getSource() + "/" + image.getSourceKey();
  }

  /** Within one bucket, groups entries by dedup key and reports all but the smallest record key. */
  private static final class FindDuplicatesFn extends DoFn<KV<Integer, Iterable<String>>, String> {
    @ProcessElement
    public void process(@Element KV<Integer, Iterable<String>> bucket, OutputReceiver<String> out) {
      Map<String, List<String>> byKey = new HashMap<>();
      for (String entry : bucket.getValue()) {
        int tab = entry.lastIndexOf('\t');
        byKey
            .computeIfAbsent(entry.substring(0, tab), k -> new ArrayList<>(1))
            .add(entry.substring(tab + 1));
      }
      for (List<String> members : byKey.values()) {
        if (members.size() > 1) {
          members.sort(null);
          for (int i = 1; i < members.size(); i++) {
            out.output(members.get(i) + "\t" + members.get(0));
          }
        }
      }
    }
  }

  /** Keeps the records whose key is not in the removed map. */
  static final class DropKeysFn extends DoFn<CaptionedImage, CaptionedImage> {
    private final PCollectionView<Map<String, String>> removed;

    DropKeysFn(PCollectionView<Map<String, String>> removed) {
      this.removed = removed;
    }

    @ProcessElement
    public void process(ProcessContext context) {
      CaptionedImage image = context.element();
      if (!context.sideInput(removed).containsKey(qualifiedKey(image))) {
        context.output(image);
      }
    }
  }
}
