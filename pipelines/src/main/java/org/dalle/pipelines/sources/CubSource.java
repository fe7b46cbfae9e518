package org.dalle.pipelines.sources;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTagList;
import org.dalle.schemas.RawExample;
import org.dalle.schemas.Rejected;

/**
 * {@code cub:ROOT}: CUB-200-2011 with the per-image descriptions of Reed et al. (paper section 3.1,
 * CUB evaluation). Images are {@code ROOT/images/<class>/<name>.jpg}; captions are the lines of
 * {@code ROOT/text/<class>/<name>.txt}, about ten per image. By default one record per (image,
 * line), keyed {@code <class>/<name>.jpg#<line number from 1>}; with {@link
 * SourceConfig#oneCaptionPerImage()} one record per image with the line chosen by {@link
 * CaptionChoice} from the seed and the image path. A missing or empty text file gives one record
 * with a null caption, keyed {@code <class>/<name>.jpg}.
 *
 * <p>Attributes: {@code class} (the class directory) and, when {@code ROOT/images.txt} and {@code
 * ROOT/train_test_split.txt} exist, {@code split} = train or test.
 */
public final class CubSource extends ImageSource {
  public static final String KIND = "cub";

  private final String root;
  private final boolean oneCaptionPerImage;
  private final long seed;

  private final int shuffleBuckets;

  private CubSource(String root, boolean oneCaptionPerImage, long seed, int shuffleBuckets) {
    this.shuffleBuckets = shuffleBuckets;
    this.root = root;
    this.oneCaptionPerImage = oneCaptionPerImage;
    this.seed = seed;
  }

  /** Parses the argument of {@code cub:ROOT}: the directory that holds {@code images/}. */
  public static CubSource fromSpec(String argument, SourceConfig config) {
    return new CubSource(
        DirectoryArgument.require(KIND, argument, "cub:/data/CUB_200_2011"),
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
    PCollectionView<Map<String, String>> splits =
        input
            .apply("Root", Create.of(root))
            .apply("ReadSplitFiles", ParDo.of(new ReadSplitsFn()))
            .setCoder(MapCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
            .apply("SplitsView", View.asSingleton());
    PCollectionTuple out =
        input
            .apply(
                "OpenImages",
                SpreadWork.openImages(
                    DirectoryArgument.withTrailingSlash(root) + "images/*/*", shuffleBuckets))
            .apply(
                "ReadImagesAndCaptions",
                ParDo.of(new ReadImageAndCaptionsFn(root, oneCaptionPerImage, seed, splits))
                    .withSideInputs(splits)
                    .withOutputTags(EXAMPLES, TupleTagList.of(REJECTED)));
    out.get(EXAMPLES).setCoder(AvroCoder.of(RawExample.class));
    out.get(REJECTED).setCoder(AvroCoder.of(Rejected.class));
    return out;
  }

  /** Reads the official split files into path → split, or an empty map when both are absent. */
  static final class ReadSplitsFn extends DoFn<String, Map<String, String>> {
    @ProcessElement
    public void process(@Element String root, OutputReceiver<Map<String, String>> out)
        throws IOException {
      ResourceId rootDirectory = StoredFiles.directory(root);
      ResourceId imagesFile = StoredFiles.fileUnder(rootDirectory, CubSplits.IMAGES_FILE);
      ResourceId splitFile = StoredFiles.fileUnder(rootDirectory, CubSplits.SPLIT_FILE);
      Optional<byte[]> images = StoredFiles.readIfExists(imagesFile);
      Optional<byte[]> split = StoredFiles.readIfExists(splitFile);
      if (images.isEmpty() && split.isEmpty()) {
        out.output(Map.of());
        return;
      }
      if (images.isEmpty() || split.isEmpty()) {
        throw new IOException(
            "found "
                + (images.isPresent() ? imagesFile : splitFile)
                + " but not "
                + (images.isPresent() ? splitFile : imagesFile)
                + "; the CUB split needs both files or neither");
      }
      out.output(CubSplits.parse(Utf8Text.decode(images.get()), Utf8Text.decode(split.get())));
    }
  }

  /** Reads one image and the lines of its text file. */
  static final class ReadImageAndCaptionsFn extends DoFn<FileIO.ReadableFile, RawExample> {
    private final String root;
    private final boolean oneCaptionPerImage;
    private final long seed;
    private final PCollectionView<Map<String, String>> splits;
    private transient String imagesPrefix;
    private transient ResourceId textDirectory;

    ReadImageAndCaptionsFn(
        String root,
        boolean oneCaptionPerImage,
        long seed,
        PCollectionView<Map<String, String>> splits) {
      this.root = root;
      this.oneCaptionPerImage = oneCaptionPerImage;
      this.seed = seed;
      this.splits = splits;
    }

    @Setup
    public void setup() {
      ResourceId rootDirectory = StoredFiles.directory(root);
      imagesPrefix = StoredFiles.subdirectory(rootDirectory, "images").toString();
      textDirectory = StoredFiles.subdirectory(rootDirectory, "text");
    }

    @ProcessElement
    public void process(ProcessContext context) throws IOException {
      FileIO.ReadableFile file = context.element();
      ResourceId image = file.getMetadata().resourceId();
      // The path relative to images/ is "<class>/<name>.jpg" on every file system.
      if (!image.toString().startsWith(imagesPrefix)) {
        throw new IllegalStateException(
            "matched image " + image + " is not under the images directory " + imagesPrefix);
      }
      String imagePath = image.toString().substring(imagesPrefix.length());
      String className = imagePath.substring(0, imagePath.indexOf('/'));
      Map<String, String> attributes = new HashMap<>();
      attributes.put("class", className);
      String split = context.sideInput(splits).get(imagePath);
      if (split != null) {
        attributes.put("split", split);
      }
      ResourceId textFile =
          StoredFiles.fileUnder(textDirectory, ImageFileNames.captionFileName(imagePath));
      Optional<byte[]> text = StoredFiles.readIfExists(textFile);
      List<String> lines;
      try {
        lines = text.isPresent() ? Utf8Text.lines(Utf8Text.decode(text.get())) : List.of();
      } catch (CharacterCodingException e) {
        context.output(
            REJECTED,
            SourceRecords.rejected(
                KIND,
                imagePath,
                "caption_not_utf8",
                "text file " + textFile + " is not valid UTF-8: " + e.getMessage()));
        return;
      }
      byte[] bytes = file.readFullyAsBytes();
      if (lines.isEmpty()) {
        context.output(SourceRecords.example(KIND, imagePath, bytes, null, attributes));
        return;
      }
      int first = 0;
      int end = lines.size();
      if (oneCaptionPerImage) {
        first = CaptionChoice.index(seed, imagePath, lines.size());
        end = first + 1;
      }
      for (int i = first; i < end; i++) {
        context.output(
            SourceRecords.example(
                KIND, imagePath + "#" + (i + 1), bytes, lines.get(i), attributes));
      }
    }
  }
}
