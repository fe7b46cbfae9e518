package org.dalle.pipelines.prepare;

import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.pipelines.sources.ImageSource;
import org.dalle.pipelines.sources.SourceConfig;
import org.dalle.schemas.CaptionedImage;
import org.dalle.schemas.RawExample;
import org.dalle.schemas.Rejected;

/**
 * The prepare pipeline without its sinks: read sources → decode, validate, resize, hash → remove
 * exact duplicates → remove near-duplicates of the evaluation set → learn BPE → tokenise captions.
 * {@link PreparePipeline} writes each output; tests assert on them directly.
 *
 * <p>{@link #COUNTS} holds {@code name \t value} lines from which the summary is built; they
 * satisfy {@code read = written + rejected + exact_duplicates + near_duplicates}.
 */
public final class PrepareDataset extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<CaptionedImage> IMAGES = new TupleTag<CaptionedImage>() {};
  public static final TupleTag<Rejected> REJECTED = new TupleTag<Rejected>() {};
  public static final TupleTag<String> TOKENIZER_JSON = new TupleTag<String>() {};
  public static final TupleTag<String> EXACT_DUPLICATES = new TupleTag<String>() {};
  public static final TupleTag<String> NEAR_DUPLICATES = new TupleTag<String>() {};
  public static final TupleTag<String> EVAL_OVERLAP = new TupleTag<String>() {};
  public static final TupleTag<String> COUNTS = new TupleTag<String>() {};

  private final PrepareConfig config;

  public PrepareDataset(PrepareConfig config) {
    this.config = config.validate();
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    SourceConfig sources = withBuckets(config.source(), begin.getPipeline().getOptions());
    // Dedup shuffles only small key strings; bound the groups for the Direct runner's sake.
    int dedupBuckets = sources.shuffleBuckets() > 0 ? sources.shuffleBuckets() : 4096;
    PCollectionTuple read = begin.apply("ReadSources", new ReadSources(config.inputs(), sources));
    PCollection<RawExample> examples = read.get(ImageSource.EXAMPLES);

    PCollectionTuple processed =
        examples.apply(
            "ProcessImages",
            ParDo.of(new ProcessImageFn(config, true))
                .withOutputTags(ProcessImageFn.IMAGES, TupleTagList.of(ProcessImageFn.REJECTED)));
    PCollection<CaptionedImage> images =
        processed.get(ProcessImageFn.IMAGES).setCoder(AvroCoder.of(CaptionedImage.class));
    PCollection<Rejected> rejected =
        PCollectionList.of(read.get(ImageSource.REJECTED))
            .and(processed.get(ProcessImageFn.REJECTED).setCoder(AvroCoder.of(Rejected.class)))
            .apply("AllRejected", Flatten.pCollections());

    PCollectionTuple exact =
        images.apply("RemoveExactDuplicates", new RemoveExactDuplicates(dedupBuckets));
    PCollection<CaptionedImage> unique = exact.get(RemoveExactDuplicates.UNIQUE);

    PCollectionList<String> counts =
        PCollectionList.of(count(read.get(ImageSource.EXAMPLES), "examples"))
            .and(count(read.get(ImageSource.REJECTED), "source_rejected"))
            .and(count(unique, "unique"))
            .and(count(exact.get(RemoveExactDuplicates.REMOVED), "exact_duplicates"))
            .and(countRejections(rejected));

    PCollection<CaptionedImage> kept;
    PCollection<String> nearRemoved;
    PCollection<String> overlap;
    if (config.dedupAgainst().isEmpty()) {
      kept = unique;
      nearRemoved = empty(begin, "NoNearDuplicates");
      overlap = empty(begin, "NoEvaluationOverlap");
    } else {
      PCollectionTuple evalRead =
          begin.apply("ReadEvaluationSources", new ReadSources(config.dedupAgainst(), sources));
      PCollectionTuple evalProcessed =
          evalRead
              .get(ImageSource.EXAMPLES)
              .apply(
                  "HashEvaluationImages",
                  ParDo.of(new ProcessImageFn(config, false))
                      .withOutputTags(
                          ProcessImageFn.IMAGES, TupleTagList.of(ProcessImageFn.REJECTED)));
      PCollection<CaptionedImage> evalImages =
          evalProcessed.get(ProcessImageFn.IMAGES).setCoder(AvroCoder.of(CaptionedImage.class));
      PCollectionTuple near =
          unique.apply(
              "RemoveNearDuplicates",
              new RemoveNearDuplicates(evalImages, config.nearDuplicateThreshold()));
      kept = near.get(RemoveNearDuplicates.KEPT);
      nearRemoved = near.get(RemoveNearDuplicates.REMOVED);
      overlap = near.get(RemoveNearDuplicates.EVAL_OVERLAP);
      counts =
          counts
              .and(count(evalRead.get(ImageSource.EXAMPLES), "eval_examples"))
              .and(count(evalRead.get(ImageSource.REJECTED), "eval_source_rejected"))
              .and(count(evalImages, "eval_hashed"))
              .and(
                  count(
                      evalProcessed
                          .get(ProcessImageFn.REJECTED)
                          .setCoder(AvroCoder.of(Rejected.class)),
                      "eval_rejected"))
              .and(count(overlap, "eval_overlap"))
              .and(count(nearRemoved, "near_duplicate_pairs"));
    }

    PCollection<String> tokenizerJson =
        kept.apply(
                "Captions",
                MapElements.into(TypeDescriptors.strings()).via(CaptionedImage::getCaption))
            .apply(
                "LearnBpe", new LearnBpeVocabulary(config.vocabSize(), config.bpeMinFrequency()));
    PCollectionView<String> tokenizerView =
        tokenizerJson.apply("TokenizerView", View.asSingleton());
    PCollectionTuple tokenized =
        kept.apply(
            "TokenizeCaptions",
            ParDo.of(new TokenizeCaptionsFn(tokenizerView, config.textLength()))
                .withSideInputs(tokenizerView)
                .withOutputTags(
                    TokenizeCaptionsFn.TOKENIZED, TupleTagList.of(TokenizeCaptionsFn.TRUNCATED)));
    PCollection<CaptionedImage> written =
        tokenized.get(TokenizeCaptionsFn.TOKENIZED).setCoder(AvroCoder.of(CaptionedImage.class));
    PCollection<String> truncated =
        tokenized.get(TokenizeCaptionsFn.TRUNCATED).setCoder(StringUtf8Coder.of());
    counts = counts.and(count(written, "written")).and(count(truncated, "captions_truncated"));

    return PCollectionTuple.of(IMAGES, written)
        .and(REJECTED, rejected)
        .and(TOKENIZER_JSON, tokenizerJson)
        .and(EXACT_DUPLICATES, exact.get(RemoveExactDuplicates.REMOVED))
        .and(NEAR_DUPLICATES, nearRemoved)
        .and(EVAL_OVERLAP, overlap)
        .and(COUNTS, countAll(counts));
  }

  /**
   * Resolves {@code shuffle_buckets: 0} (automatic) for the runner: the Direct runner pays per
   * bundle, so it gets a few buckets per core; distributed runners spread per element.
   */
  static SourceConfig withBuckets(SourceConfig source, PipelineOptions options) {
    if (source.shuffleBuckets() > 0
        || !options.getRunner().getSimpleName().equals("DirectRunner")) {
      return source;
    }
    int buckets = 4 * Runtime.getRuntime().availableProcessors();
    return source.toBuilder().shuffleBuckets(buckets).build();
  }

  private static PCollection<String> empty(PBegin begin, String name) {
    return begin.apply(name, Create.empty(StringUtf8Coder.of()));
  }

  /** One counter name per element; all names are counted together by {@link #countAll}. */
  private static <T> PCollection<String> count(PCollection<T> collection, String name) {
    return collection.apply(
        "Name " + name, MapElements.into(TypeDescriptors.strings()).via((T element) -> name));
  }

  private static PCollection<String> countRejections(PCollection<Rejected> rejected) {
    return rejected.apply(
        "NameRejections",
        MapElements.into(TypeDescriptors.strings()).via(r -> "rejected/" + Rejections.countKey(r)));
  }

  /** {@code name \t count} lines; a name with no elements has no line and counts as 0. */
  private static PCollection<String> countAll(PCollectionList<String> names) {
    return names
        .apply("AllCounterNames", Flatten.pCollections())
        .apply("CountNames", Count.perElement())
        .apply(
            "FormatCounts",
            MapElements.into(TypeDescriptors.strings())
                .via(kv -> kv.getKey() + "\t" + kv.getValue()));
  }
}
