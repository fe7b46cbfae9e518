package org.dalle.pipelines.sources;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.dalle.schemas.RawExample;
import org.dalle.schemas.Rejected;

/**
 * {@code coco:ANNOTATIONS_JSON:IMAGES_DIR}: MS-COCO captions (paper section 3.1, evaluation on
 * MS-COCO). By default one record per image–caption pair, keyed {@code <file_name>#<annotation
 * id>}; with {@link SourceConfig#oneCaptionPerImage()} one record per image whose caption is chosen
 * by {@link CaptionChoice} from the seed and the image id. Every record carries the attributes
 * {@code image_id} and {@code coco_file_name}, which the evaluation protocol joins on.
 *
 * <p>Rejected at read: an annotation whose image id is not among the images ({@code
 * unknown_image_id}) and every record of an image whose file is missing ({@code image_missing}). An
 * image without annotations becomes one example with a null caption, keyed {@code <file_name>}.
 */
public final class CocoSource extends ImageSource {
  public static final String KIND = "coco";

  private static final TupleTag<KV<Long, String>> IMAGE_FILES = new TupleTag<>() {};
  private static final TupleTag<KV<Long, KV<Long, String>>> CAPTIONS = new TupleTag<>() {};
  private static final TupleTag<String> JOINED_FILES = new TupleTag<>() {};
  private static final TupleTag<KV<Long, String>> JOINED_CAPTIONS = new TupleTag<>() {};
  private static final TupleTag<CocoImage> IMAGES_TO_READ = new TupleTag<>() {};

  private final CocoPaths paths;
  private final boolean oneCaptionPerImage;
  private final long seed;

  private final int shuffleBuckets;

  private CocoSource(CocoPaths paths, boolean oneCaptionPerImage, long seed, int shuffleBuckets) {
    this.shuffleBuckets = shuffleBuckets;
    this.paths = paths;
    this.oneCaptionPerImage = oneCaptionPerImage;
    this.seed = seed;
  }

  /** Parses the argument of {@code coco:ANNOTATIONS_JSON:IMAGES_DIR}; see {@link CocoPaths}. */
  public static CocoSource fromSpec(String argument, SourceConfig config) {
    return new CocoSource(
        CocoPaths.parse(argument),
        config.oneCaptionPerImage(),
        config.seed(),
        config.shuffleBuckets());
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public PCollectionTuple expand(PBegin input) {
    PCollectionTuple entries =
        input
            .apply("AnnotationsFile", Create.of(paths.annotations()))
            .apply(
                "ParseAnnotations",
                ParDo.of(new ParseAnnotationsFn())
                    .withOutputTags(IMAGE_FILES, TupleTagList.of(CAPTIONS)));
    PCollection<KV<Long, String>> imageFiles =
        entries.get(IMAGE_FILES).setCoder(KvCoder.of(VarLongCoder.of(), StringUtf8Coder.of()));
    PCollection<KV<Long, KV<Long, String>>> captions =
        entries
            .get(CAPTIONS)
            .setCoder(
                KvCoder.of(VarLongCoder.of(), KvCoder.of(VarLongCoder.of(), StringUtf8Coder.of())));

    PCollectionTuple paired =
        KeyedPCollectionTuple.of(JOINED_FILES, imageFiles)
            .and(JOINED_CAPTIONS, captions)
            .apply("JoinCaptionsToImages", CoGroupByKey.create())
            .apply(
                "PairCaptions",
                ParDo.of(new PairCaptionsFn(oneCaptionPerImage, seed))
                    .withOutputTags(IMAGES_TO_READ, TupleTagList.of(REJECTED)));
    paired.get(REJECTED).setCoder(AvroCoder.of(Rejected.class));

    PCollectionTuple read =
        paired
            .get(IMAGES_TO_READ)
            .setCoder(SerializableCoder.of(CocoImage.class))
            // Spread the image reads over workers instead of running them where the join landed.
            .apply("SpreadReads", SpreadWork.across(shuffleBuckets))
            .apply(
                "ReadImages",
                ParDo.of(new ReadImagesFn(paths.imagesDir()))
                    .withOutputTags(EXAMPLES, TupleTagList.of(REJECTED)));
    read.get(EXAMPLES).setCoder(AvroCoder.of(RawExample.class));
    read.get(REJECTED).setCoder(AvroCoder.of(Rejected.class));

    PCollection<Rejected> rejected =
        PCollectionList.of(paired.get(REJECTED))
            .and(read.get(REJECTED))
            .apply("AllRejected", Flatten.pCollections())
            .setCoder(AvroCoder.of(Rejected.class));
    return PCollectionTuple.of(EXAMPLES, read.get(EXAMPLES)).and(REJECTED, rejected);
  }

  /** One caption of an image. */
  record CocoCaption(long annotationId, String text) implements Serializable {}

  /** An image to read with the captions to emit for it (none: one record, null caption). */
  record CocoImage(long imageId, String fileName, List<CocoCaption> captions)
      implements Serializable {}

  /** Streams the annotations file into (image id, file name) and (image id, caption) pairs. */
  static final class ParseAnnotationsFn extends DoFn<String, KV<Long, String>> {
    @ProcessElement
    public void process(@Element String path, MultiOutputReceiver out) throws IOException {
      ResourceId file = FileSystems.matchSingleFileSpec(path).resourceId();
      try (InputStream json = Channels.newInputStream(FileSystems.open(file))) {
        CocoAnnotationsParser.parse(
            json,
            path,
            new CocoAnnotationsParser.Entries() {
              @Override
              public void image(long imageId, String fileName) {
                out.get(IMAGE_FILES).output(KV.of(imageId, fileName));
              }

              @Override
              public void caption(long annotationId, long imageId, String caption) {
                out.get(CAPTIONS).output(KV.of(imageId, KV.of(annotationId, caption)));
              }
            });
      }
    }
  }

  /** Joins one image id's file name and captions; rejects captions of unknown images. */
  static final class PairCaptionsFn extends DoFn<KV<Long, CoGbkResult>, CocoImage> {
    private final boolean oneCaptionPerImage;
    private final long seed;

    PairCaptionsFn(boolean oneCaptionPerImage, long seed) {
      this.oneCaptionPerImage = oneCaptionPerImage;
      this.seed = seed;
    }

    @ProcessElement
    public void process(@Element KV<Long, CoGbkResult> joined, MultiOutputReceiver out) {
      long imageId = joined.getKey();
      List<CocoCaption> captions = new ArrayList<>();
      for (KV<Long, String> caption : joined.getValue().getAll(JOINED_CAPTIONS)) {
        captions.add(new CocoCaption(caption.getKey(), caption.getValue()));
      }
      // The join delivers captions in no particular order; annotation ids fix one.
      captions.sort(Comparator.comparingLong(CocoCaption::annotationId));
      Optional<String> fileName =
          Optional.ofNullable(joined.getValue().getOnly(JOINED_FILES, null));
      if (fileName.isEmpty()) {
        for (CocoCaption caption : captions) {
          out.get(REJECTED)
              .output(
                  SourceRecords.rejected(
                      KIND,
                      "image_id=" + imageId + "#" + caption.annotationId(),
                      "unknown_image_id",
                      "annotation "
                          + caption.annotationId()
                          + " refers to image id "
                          + imageId
                          + ", which the \"images\" array does not list"));
        }
        return;
      }
      if (oneCaptionPerImage && captions.size() > 1) {
        captions =
            List.of(
                captions.get(CaptionChoice.index(seed, Long.toString(imageId), captions.size())));
      }
      out.get(IMAGES_TO_READ).output(new CocoImage(imageId, fileName.get(), captions));
    }
  }

  /** Reads an image file once and emits a record for each of its captions. */
  static final class ReadImagesFn extends DoFn<CocoImage, RawExample> {
    private final String imagesDir;
    private transient ResourceId imagesDirectory;

    ReadImagesFn(String imagesDir) {
      this.imagesDir = imagesDir;
    }

    @Setup
    public void setup() {
      imagesDirectory = StoredFiles.directory(imagesDir);
    }

    @ProcessElement
    public void process(@Element CocoImage image, MultiOutputReceiver out) throws IOException {
      ResourceId file = StoredFiles.fileUnder(imagesDirectory, image.fileName());
      Optional<byte[]> bytes = StoredFiles.readIfExists(file);
      Map<String, String> attributes =
          Map.of("image_id", Long.toString(image.imageId()), "coco_file_name", image.fileName());
      if (image.captions().isEmpty()) {
        emit(out, image, file, bytes, image.fileName(), null, attributes);
      }
      for (CocoCaption caption : image.captions()) {
        String key = image.fileName() + "#" + caption.annotationId();
        emit(out, image, file, bytes, key, caption.text(), attributes);
      }
    }

    private static void emit(
        MultiOutputReceiver out,
        CocoImage image,
        ResourceId file,
        Optional<byte[]> bytes,
        String key,
        String caption,
        Map<String, String> attributes) {
      if (bytes.isPresent()) {
        out.get(EXAMPLES)
            .output(SourceRecords.example(KIND, key, bytes.get(), caption, attributes));
      } else {
        out.get(REJECTED)
            .output(
                SourceRecords.rejected(
                    KIND,
                    key,
                    "image_missing",
                    "image id "
                        + image.imageId()
                        + " names file "
                        + file
                        + ", which does not exist"));
      }
    }
  }
}
