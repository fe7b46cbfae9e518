package org.dalle.pipelines.sources;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.dalle.pipelines.io.InputCounts;
import org.dalle.schemas.RawExample;
import org.dalle.schemas.Rejected;

/**
 * {@code folder:DIR}: every image file anywhere under {@code DIR} (jpg, jpeg, png, bmp, gif, in any
 * letter case) with its caption in a same-named {@code .txt} file beside it ({@code cat.jpg} +
 * {@code cat.txt}). The source key is the image path relative to {@code DIR}. An image without a
 * caption file becomes an example with a null caption, which the prepare pipeline rejects as {@code
 * caption_missing}; a caption file that is not UTF-8 is rejected here as {@code caption_not_utf8}.
 */
public final class FolderSource extends ImageSource {
  public static final String KIND = "folder";

  private final String directory;

  private final int shuffleBuckets;

  private FolderSource(String directory, int shuffleBuckets) {
    this.directory = directory;
    this.shuffleBuckets = shuffleBuckets;
  }

  /**
   * Parses the argument of {@code folder:DIR}: a local directory or a directory URI such as {@code
   * gs://bucket/images}.
   */
  public static FolderSource fromSpec(String argument, SourceConfig config) {
    return new FolderSource(
        DirectoryArgument.require(KIND, argument, "folder:/data/pets"), config.shuffleBuckets());
  }

  @Override
  public String kind() {
    return KIND;
  }

  /** The image files under the directory, which {@link #expand} reads one record each from. */
  @Override
  public OptionalLong expectedRecords() {
    return OptionalLong.of(
        InputCounts.files(
            DirectoryArgument.withTrailingSlash(directory) + "**", ImageFileNames::isImage));
  }

  @Override
  public PCollectionTuple expand(PBegin input) {
    PCollectionTuple out =
        input
            .apply(
                "OpenImages",
                SpreadWork.openImages(
                    DirectoryArgument.withTrailingSlash(directory) + "**", shuffleBuckets))
            .apply(
                "ReadImagesAndCaptions",
                ParDo.of(new ReadImageAndCaptionFn(directory))
                    .withOutputTags(EXAMPLES, TupleTagList.of(REJECTED)));
    out.get(EXAMPLES).setCoder(AvroCoder.of(RawExample.class));
    out.get(REJECTED).setCoder(AvroCoder.of(Rejected.class));
    return out;
  }

  /** Reads one image and the caption file beside it. */
  static final class ReadImageAndCaptionFn extends DoFn<FileIO.ReadableFile, RawExample> {
    private final String directory;
    private transient String directoryPrefix;

    ReadImageAndCaptionFn(String directory) {
      this.directory = directory;
    }

    @Setup
    public void setup() {
      // Resolved on the worker, where the file systems of the pipeline options are registered.
      directoryPrefix = StoredFiles.directory(directory).toString();
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out)
        throws IOException {
      ResourceId image = file.getMetadata().resourceId();
      String key = relativeKey(image.toString());
      ResourceId captionFile =
          image
              .getCurrentDirectory()
              .resolve(
                  ImageFileNames.captionFileName(image.getFilename()),
                  StandardResolveOptions.RESOLVE_FILE);
      Optional<byte[]> captionBytes = StoredFiles.readIfExists(captionFile);
      String caption = null;
      if (captionBytes.isPresent()) {
        try {
          caption = Utf8Text.decode(captionBytes.get());
        } catch (CharacterCodingException e) {
          out.get(REJECTED)
              .output(
                  SourceRecords.rejected(
                      KIND,
                      key,
                      "caption_not_utf8",
                      "caption file " + captionFile + " is not valid UTF-8: " + e.getMessage()));
          return;
        }
      }
      out.get(EXAMPLES)
          .output(SourceRecords.example(KIND, key, file.readFullyAsBytes(), caption, Map.of()));
    }

    private String relativeKey(String path) {
      if (!path.startsWith(directoryPrefix)) {
        throw new IllegalStateException(
            "matched file " + path + " is not under the source directory " + directoryPrefix);
      }
      return path.substring(directoryPrefix.length());
    }
  }
}
