package org.dalle.pipelines.sources;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.CharacterCodingException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTagList;
import org.dalle.pipelines.sources.WebDatasetShardReader.Sample;
import org.dalle.schemas.RawExample;
import org.dalle.schemas.Rejected;

/**
 * {@code webdataset:GLOB}: tar shards in the WebDataset layout, each sample a {@code key.jpg},
 * {@code key.jpeg}, {@code key.png} or {@code key.webp} with its caption in {@code key.txt} (other
 * fields are ignored). The glob may use WebDataset's brace notation ({@code shards/{000..099}.tar},
 * see {@link ShardPatterns}); {@code .tar.gz} shards are decompressed. The source key is {@code
 * <shard file name>/<key>}.
 *
 * <p>A sample with an image and no caption becomes an example with a null caption. Rejected at
 * read: a sample without an image ({@code image_missing}), with more than one ({@code
 * multiple_images}), a key seen earlier in the shard ({@code duplicate_key}), a caption that is not
 * UTF-8 ({@code caption_not_utf8}), and a corrupt or truncated shard ({@code corrupt_shard}, keyed
 * by the shard name) after the samples read before the damage.
 */
public final class WebDatasetSource extends ImageSource {
  public static final String KIND = "webdataset";
  static final List<String> IMAGE_FIELDS = List.of("jpg", "jpeg", "png", "webp");
  static final String CAPTION_FIELD = "txt";

  private final List<String> patterns;

  private WebDatasetSource(List<String> patterns) {
    this.patterns = patterns;
  }

  /**
   * Parses the argument of {@code webdataset:GLOB}: a file pattern of tar shards, local or on a
   * Beam file system such as gs://.
   */
  public static WebDatasetSource fromSpec(String argument, SourceConfig config) {
    if (argument == null || argument.isBlank()) {
      throw new IllegalArgumentException(
          "source 'webdataset:' needs a pattern of tar shards, got none; expected e.g."
              + " 'webdataset:/data/shards/*.tar' or 'webdataset:gs://bucket/shards/{000..099}.tar'");
    }
    return new WebDatasetSource(ShardPatterns.expand(argument));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public PCollectionTuple expand(PBegin input) {
    PCollectionTuple out =
        input
            .apply("ShardPatterns", Create.of(patterns))
            .apply(
                "MatchShards",
                FileIO.matchAll().withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW))
            .apply(
                "ReadShards",
                ParDo.of(new ReadShardFn()).withOutputTags(EXAMPLES, TupleTagList.of(REJECTED)));
    out.get(EXAMPLES).setCoder(AvroCoder.of(RawExample.class));
    out.get(REJECTED).setCoder(AvroCoder.of(Rejected.class));
    return out;
  }

  /** Streams one shard into examples and rejections. */
  static final class ReadShardFn extends DoFn<MatchResult.Metadata, RawExample> {
    @ProcessElement
    public void process(@Element MatchResult.Metadata shard, MultiOutputReceiver out)
        throws IOException {
      String shardName = shard.resourceId().getFilename();
      Set<String> keysSeen = new HashSet<>();
      WebDatasetShardReader.Outcome outcome;
      try (InputStream storage = Channels.newInputStream(FileSystems.open(shard.resourceId()))) {
        outcome =
            WebDatasetShardReader.read(
                storage,
                Compression.detect(shardName),
                sample ->
                    classify(
                        shardName,
                        sample,
                        keysSeen,
                        out.get(EXAMPLES)::output,
                        out.get(REJECTED)::output));
      }
      if (outcome.damage() != null) {
        out.get(REJECTED)
            .output(
                SourceRecords.rejected(
                    KIND,
                    shardName,
                    "corrupt_shard",
                    "shard "
                        + shard.resourceId()
                        + " is corrupt or truncated after "
                        + outcome.samples()
                        + " samples, "
                        + outcome.damage()));
      }
    }
  }

  /** Turns one sample into an example or a rejection. */
  static void classify(
      String shardName,
      Sample sample,
      Set<String> keysSeen,
      Consumer<RawExample> examples,
      Consumer<Rejected> rejections) {
    String key = shardName + "/" + sample.key();
    Map<String, byte[]> fields = sample.fields();
    List<String> images = IMAGE_FIELDS.stream().filter(fields::containsKey).toList();
    String problem = null;
    String reason = null;
    if (!keysSeen.add(sample.key())) {
      reason = "duplicate_key";
      problem = "key " + sample.key() + " appears again after other keys or repeats a field";
    } else if (images.isEmpty()) {
      reason = "image_missing";
      problem = "sample has no " + String.join("/", IMAGE_FIELDS) + " file";
    } else if (images.size() > 1) {
      reason = "multiple_images";
      problem = "sample has several image files; expected exactly one";
    }
    if (reason != null) {
      rejections.accept(
          SourceRecords.rejected(
              KIND,
              key,
              reason,
              problem + " (fields: " + String.join(", ", fields.keySet()) + ")"));
      return;
    }
    String caption = null;
    byte[] captionBytes = fields.get(CAPTION_FIELD);
    if (captionBytes != null) {
      try {
        caption = Utf8Text.decode(captionBytes);
      } catch (CharacterCodingException e) {
        rejections.accept(
            SourceRecords.rejected(
                KIND,
                key,
                "caption_not_utf8",
                "field " + CAPTION_FIELD + " is not valid UTF-8: " + e.getMessage()));
        return;
      }
    }
    examples.accept(SourceRecords.example(KIND, key, fields.get(images.get(0)), caption, Map.of()));
  }
}
