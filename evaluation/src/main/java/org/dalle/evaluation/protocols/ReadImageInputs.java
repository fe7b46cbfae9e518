package org.dalle.evaluation.protocols;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import org.apache.avro.generic.GenericRecord;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.dalle.pipelines.io.InputCounts;
import org.dalle.pipelines.sources.ImageFileNames;
import org.dalle.schemas.Rejected;

/**
 * Reads the encoded images of an {@link ImageInput} as (key, bytes). File paths are spread over
 * {@code buckets} random keys before the files are read, so the reads (and the feature extraction
 * after them) run in parallel; Avro files are split by the runner. A listed file that does not
 * exist goes to {@link #REJECTED} ({@code missing_file}).
 */
final class ReadImageInputs extends PTransform<PBegin, PCollectionTuple> {
  static final TupleTag<KV<String, byte[]>> IMAGES = new TupleTag<>() {};
  static final TupleTag<Rejected> REJECTED = new TupleTag<>() {};
  static final KvCoder<String, byte[]> IMAGE_CODER =
      KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of());

  private final ImageInput input;
  private final int buckets;

  ReadImageInputs(ImageInput input, int buckets) {
    this.input = input;
    this.buckets = buckets;
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    return switch (input.kind()) {
      case FOLDER -> folder(begin);
      case LIST -> list(begin);
      case AVRO -> avro(begin);
    };
  }

  private PCollectionTuple folder(PBegin begin) {
    PCollection<MatchResult.Metadata> files =
        begin
            .apply("Pattern", Create.of(folderPattern(input)))
            .apply(
                "Match",
                FileIO.matchAll()
                    .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW)
                    .withOutputParallelization(false))
            .apply(
                "KeepImages",
                Filter.by(
                    (MatchResult.Metadata file) ->
                        ImageFileNames.isImage(file.resourceId().getFilename())));
    PCollection<KV<String, byte[]>> images =
        files
            .apply("Spread", spread())
            .setCoder(files.getCoder())
            .apply("Open", FileIO.readMatches().withCompression(Compression.UNCOMPRESSED))
            .apply("ReadFiles", ParDo.of(new ReadMatchedFileFn()))
            .setCoder(IMAGE_CODER);
    PCollection<Rejected> none =
        begin.apply("NoRejections", Create.empty(AvroCoder.of(Rejected.class)));
    return PCollectionTuple.of(IMAGES, images).and(REJECTED, none);
  }

  private PCollectionTuple list(PBegin begin) {
    ResourceId listDir =
        FileSystems.matchNewResource(input.location(), false).getCurrentDirectory();
    PCollectionTuple read =
        begin
            .apply("ReadList", TextIO.read().from(input.location()))
            .apply("KeepPaths", Filter.by((String line) -> isPath(line)))
            .apply("Spread", spread())
            .setCoder(StringUtf8Coder.of())
            .apply(
                "ReadFiles",
                ParDo.of(new ReadListedFileFn(listDir.toString(), input.sourceName()))
                    .withOutputTags(IMAGES, TupleTagList.of(REJECTED)));
    read.get(IMAGES).setCoder(IMAGE_CODER);
    read.get(REJECTED).setCoder(AvroCoder.of(Rejected.class));
    return read;
  }

  private PCollectionTuple avro(PBegin begin) {
    String location = input.location();
    PCollection<KV<String, byte[]>> images =
        begin.apply(
            "ReadRecords",
            AvroIO.parseGenericRecords(
                    (GenericRecord record) -> {
                      AvroImageRecords.Fields fields =
                          AvroImageRecords.fieldsOf(record.getSchema(), location);
                      return KV.of(
                          AvroImageRecords.key(record, fields),
                          AvroImageRecords.image(record, fields));
                    })
                .withCoder(IMAGE_CODER)
                .from(location));
    PCollection<Rejected> none =
        begin.apply("NoRejections", Create.empty(AvroCoder.of(Rejected.class)));
    return PCollectionTuple.of(IMAGES, images).and(REJECTED, none);
  }

  /**
   * The images a job reading {@code input} will read, counted before it starts (the total of its
   * progress line): a folder's image files, a list's entries; 0, for unknown, for Avro records,
   * which are only counted by reading them whole.
   */
  static long expectedImages(ImageInput input) {
    return switch (input.kind()) {
      case FOLDER ->
          InputCounts.files(folderPattern(input), fileName -> ImageFileNames.isImage(fileName));
      case LIST -> InputCounts.lines(input.location(), (line, number) -> isPath(line));
      case AVRO -> 0;
    };
  }

  private static String folderPattern(ImageInput input) {
    return (input.location().endsWith("/") ? input.location() : input.location() + "/") + "*";
  }

  static boolean isPath(String line) {
    String path = line.strip();
    return !path.isEmpty() && !path.startsWith("#");
  }

  private <T> Reshuffle.ViaRandomKey<T> spread() {
    Reshuffle.ViaRandomKey<T> reshuffle = Reshuffle.viaRandomKey();
    return buckets > 0 ? reshuffle.withNumBuckets(buckets) : reshuffle;
  }

  /** A matched file of a folder, keyed by its file name. */
  static final class ReadMatchedFileFn extends DoFn<FileIO.ReadableFile, KV<String, byte[]>> {
    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, OutputReceiver<KV<String, byte[]>> out)
        throws IOException {
      out.output(KV.of(file.getMetadata().resourceId().getFilename(), file.readFullyAsBytes()));
    }
  }

  /** A listed file, keyed by its line; a missing file is a dead letter. */
  static final class ReadListedFileFn extends DoFn<String, KV<String, byte[]>> {
    private final String listDir;
    private final String source;

    ReadListedFileFn(String listDir, String source) {
      this.listDir = listDir;
      this.source = source;
    }

    @ProcessElement
    public void process(@Element String line, MultiOutputReceiver out) throws IOException {
      String path = line.strip();
      ResourceId file =
          path.contains("://") || path.startsWith("/")
              ? FileSystems.matchNewResource(path, false)
              : FileSystems.matchNewResource(listDir, true)
                  .resolve(path, ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
      try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
        out.get(IMAGES).output(KV.of(path, in.readAllBytes()));
      } catch (FileNotFoundException | NoSuchFileException e) {
        out.get(REJECTED)
            .output(
                BlurredFeaturesFn.rejected(
                    source, path, "missing_file", "listed image " + file + " does not exist"));
      }
    }
  }
}
