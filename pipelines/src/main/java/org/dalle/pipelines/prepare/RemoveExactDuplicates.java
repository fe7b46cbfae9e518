package org.dalle.pipelines.prepare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.schemas.CaptionedImage;

/**
 * Removes exact duplicates: records with identical decoded pixels (sha256) and identical normalised
 * caption. The same image with different captions is kept, since MS-COCO and CUB give several
 * captions per image. Of a group of duplicates the record with the smallest (source, source key) is
 * kept, so the result does not depend on processing order.
 */
final class RemoveExactDuplicates
    extends PTransform<PCollection<CaptionedImage>, PCollectionTuple> {
  static final TupleTag<CaptionedImage> UNIQUE = new TupleTag<CaptionedImage>() {};

  /** One line per removed record: {@code removed source/key \t kept source/key}. */
  static final TupleTag<String> REMOVED = new TupleTag<String>() {};

  @Override
  public PCollectionTuple expand(PCollection<CaptionedImage> images) {
    PCollectionTuple result =
        images
            .apply(
                "KeyByPixelsAndCaption",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(CaptionedImage.class)))
                    .via(image -> KV.of(image.getSha256() + "|" + image.getCaption(), image)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), AvroCoder.of(CaptionedImage.class)))
            .apply("GroupDuplicates", GroupByKey.create())
            .apply(
                "KeepFirst",
                ParDo.of(new KeepFirstFn()).withOutputTags(UNIQUE, TupleTagList.of(REMOVED)));
    result.get(UNIQUE).setCoder(AvroCoder.of(CaptionedImage.class));
    result.get(REMOVED).setCoder(StringUtf8Coder.of());
    return result;
  }

  static String qualifiedKey(CaptionedImage image) {
    return image.getSource() + "/" + image.getSourceKey();
  }

  private static final class KeepFirstFn
      extends DoFn<KV<String, Iterable<CaptionedImage>>, CaptionedImage> {
    @ProcessElement
    public void process(
        @Element KV<String, Iterable<CaptionedImage>> group, MultiOutputReceiver out) {
      List<CaptionedImage> members = new ArrayList<>();
      group.getValue().forEach(members::add);
      members.sort(
          Comparator.comparing(CaptionedImage::getSource)
              .thenComparing(CaptionedImage::getSourceKey));
      CaptionedImage kept = members.get(0);
      out.get(UNIQUE).output(kept);
      for (int i = 1; i < members.size(); i++) {
        out.get(REMOVED).output(qualifiedKey(members.get(i)) + "\t" + qualifiedKey(kept));
      }
    }
  }
}
