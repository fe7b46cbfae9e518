package org.dalle.pipelines.encode;

import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.schemas.CaptionedImage;
import org.dalle.schemas.Rejected;
import org.dalle.schemas.TokenizedExample;

/**
 * Prepared images → transformer training records: each image's dVAE tokens next to the caption
 * tokens the prepare stage computed. {@link #COUNTS} holds {@code name \t value} lines ({@code
 * read}, {@code written}, {@code rejected/encode/<reason>}) from which {@link EncodeSummary} is
 * built; they satisfy {@code read = written + rejected}.
 */
public final class EncodeImagesToTokens
    extends PTransform<PCollection<CaptionedImage>, PCollectionTuple> {
  public static final TupleTag<TokenizedExample> TOKENS = new TupleTag<TokenizedExample>() {};
  public static final TupleTag<Rejected> REJECTED = new TupleTag<Rejected>() {};
  public static final TupleTag<String> COUNTS = new TupleTag<String>() {};

  private final EncodeConfig config;

  public EncodeImagesToTokens(EncodeConfig config) {
    this.config = config.validate();
  }

  @Override
  public PCollectionTuple expand(PCollection<CaptionedImage> images) {
    PCollectionTuple encoded =
        images.apply(
            "EncodeImages",
            ParDo.of(new EncodeImagesFn(config))
                .withOutputTags(EncodeImagesFn.TOKENS, TupleTagList.of(EncodeImagesFn.REJECTED)));
    PCollection<TokenizedExample> tokens =
        encoded.get(EncodeImagesFn.TOKENS).setCoder(AvroCoder.of(TokenizedExample.class));
    PCollection<Rejected> rejected =
        encoded.get(EncodeImagesFn.REJECTED).setCoder(AvroCoder.of(Rejected.class));

    PCollection<String> counts =
        PCollectionList.of(name(images, "NameRead", "read"))
            .and(name(tokens, "NameWritten", "written"))
            .and(
                rejected.apply(
                    "NameRejections",
                    MapElements.into(TypeDescriptors.strings())
                        .via(r -> "rejected/" + r.getStage() + "/" + r.getReason())))
            .apply("AllCounterNames", Flatten.pCollections())
            .apply("CountNames", Count.perElement())
            .apply(
                "FormatCounts",
                MapElements.into(TypeDescriptors.strings())
                    .via(kv -> kv.getKey() + "\t" + kv.getValue()));

    return PCollectionTuple.of(TOKENS, tokens).and(REJECTED, rejected).and(COUNTS, counts);
  }

  private static <T> PCollection<String> name(PCollection<T> collection, String step, String n) {
    return collection.apply(step, MapElements.into(TypeDescriptors.strings()).via((T e) -> n));
  }
}
