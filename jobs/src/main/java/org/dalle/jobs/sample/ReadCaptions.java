package org.dalle.jobs.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.dalle.pipelines.captions.CaptionFile;
import org.dalle.pipelines.io.InputCounts;
import org.dalle.schemas.Rejected;

/**
 * Reads the captions of a caption file or glob ({@link CaptionFiles}) as {@code (id, caption)}
 * pairs. JSONL lines that are not a caption object go to {@link #REJECTED} with their file and
 * line.
 */
final class ReadCaptions extends PTransform<PBegin, PCollectionTuple> {
  static final TupleTag<KV<String, String>> CAPTIONS = new TupleTag<KV<String, String>>() {};
  static final TupleTag<Rejected> REJECTED = new TupleTag<Rejected>() {};

  private final String pattern;

  ReadCaptions(String pattern) {
    this.pattern = pattern;
  }

  /**
   * The captions that {@code pattern}'s text or JSONL files hold, counted before the job starts
   * (the total of its progress line); 0, for unknown, for Avro files.
   */
  static long expectedCaptions(String pattern) {
    return switch (CaptionFile.Format.of(pattern)) {
      case AVRO -> 0;
      case JSONL -> InputCounts.lines(pattern, (line, number) -> !line.isBlank());
      default ->
          InputCounts.lines(
              pattern, (line, number) -> CaptionFiles.parseTextLine(line).isPresent());
    };
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    KvCoder<String, String> coder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    CaptionFile.Format format = CaptionFile.Format.of(pattern);
    if (format == CaptionFile.Format.AVRO) {
      PCollection<KV<String, String>> captions =
          begin.apply(
              "ReadAvroCaptions",
              AvroIO.parseGenericRecords(
                      record ->
                          KV.of(
                              String.valueOf(record.get("id")),
                              String.valueOf(record.get("caption"))))
                  .from(pattern)
                  .withCoder(coder));
      PCollection<Rejected> none =
          begin.apply("NoReadRejections", Create.empty(AvroCoder.of(Rejected.class)));
      return PCollectionTuple.of(CAPTIONS, captions).and(REJECTED, none);
    }
    PCollectionTuple read =
        begin
            .apply("MatchCaptionFiles", FileIO.match().filepattern(pattern))
            .apply("OpenCaptionFiles", FileIO.readMatches())
            .apply(
                "ParseCaptionLines",
                ParDo.of(new ParseLinesFn(format == CaptionFile.Format.JSONL))
                    .withOutputTags(CAPTIONS, TupleTagList.of(REJECTED)));
    read.get(CAPTIONS).setCoder(coder);
    read.get(REJECTED).setCoder(AvroCoder.of(Rejected.class));
    return read;
  }

  /** The captions of one text or JSONL file, numbered by line for the dead letters. */
  static final class ParseLinesFn extends DoFn<FileIO.ReadableFile, KV<String, String>> {
    private final boolean json;

    ParseLinesFn(boolean json) {
      this.json = json;
    }

    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out)
        throws IOException {
      String name = file.getMetadata().resourceId().toString();
      try (BufferedReader reader =
          new BufferedReader(Channels.newReader(file.open(), StandardCharsets.UTF_8))) {
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
          number++;
          String where = name + ":" + number;
          try {
            (json ? CaptionFiles.parseJsonLine(line, where) : CaptionFiles.parseTextLine(line))
                .ifPresent(c -> out.get(CAPTIONS).output(KV.of(c.id(), c.caption())));
          } catch (IllegalArgumentException e) {
            Metrics.counter(SamplePipeline.METRICS, "rejected").inc();
            out.get(REJECTED)
                .output(
                    Rejected.newBuilder()
                        .setSource(name)
                        .setSourceKey(where)
                        .setStage("read")
                        .setReason("bad_caption_line")
                        .setDetail(e.getMessage())
                        .build());
          }
        }
      }
    }
  }
}
