package org.dalle.pipelines.sources;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.dalle.pipelines.io.InputCounts;
import org.dalle.pipelines.sources.http.FetchResult;
import org.dalle.pipelines.sources.http.ImageFetcher;
import org.dalle.pipelines.sources.http.UrlCaptionRows;
import org.dalle.pipelines.sources.http.UrlCaptionRows.ParsedRow;
import org.dalle.schemas.RawExample;
import org.dalle.schemas.Rejected;

/**
 * {@code tsv:FILE}: image–caption pairs listed as {@code url<TAB>caption} rows (or Conceptual
 * Captions' {@code caption<TAB>url}), downloaded over HTTP the way the paper's 250M pairs were
 * collected from the internet (Ramesh et al. 2021, section 2.3). FILE may be a glob and may be
 * compressed (.gz, .bz2, ...); it is read through {@link FileIO}, so gs:// and other Beam file
 * systems work.
 *
 * <p>Each file is parsed in one pass (so rejects name their line), the rows are reshuffled to
 * spread the downloads over workers, and each URL is fetched by {@link ImageFetcher} with the
 * {@code http*} settings and address policy of {@link SourceConfig}. A malformed row is rejected at
 * stage {@code read} (reason {@code bad_row}, key {@code FILE:LINE}); a failed download at stage
 * {@code fetch} with the fetcher's reason, keyed by the URL as written. Counters in the {@code
 * TsvSource} metrics namespace count rows, headers, fetched images and each reject reason.
 */
public final class TsvSource extends ImageSource {
  public static final String KIND = "tsv";

  private static final String METRICS = "TsvSource";
  private static final TupleTag<KV<String, String>> URL_CAPTIONS =
      new TupleTag<KV<String, String>>() {};

  private final String filepattern;
  private final SourceConfig config;

  private TsvSource(String filepattern, SourceConfig config) {
    this.filepattern = filepattern;
    this.config = config;
  }

  /**
   * Builds the source from the part of the spec after {@code tsv:}, a file path or glob.
   *
   * @throws IllegalArgumentException when the path is blank or has surrounding whitespace
   */
  public static TsvSource fromSpec(String argument, SourceConfig config) {
    if (argument == null || argument.isBlank()) {
      throw new IllegalArgumentException(
          "tsv source needs a file of url<TAB>caption rows, got '"
              + argument
              + "'; expected tsv:FILE, e.g. tsv:/data/cc3m/train.tsv or tsv:gs://bucket/cc/*.tsv");
    }
    if (!argument.equals(argument.strip())) {
      throw new IllegalArgumentException(
          "tsv source path '"
              + argument
              + "' has surrounding whitespace; expected tsv:FILE, e.g. tsv:/data/cc3m/train.tsv");
    }
    if (config == null) {
      throw new IllegalArgumentException("tsv source needs a SourceConfig, got null");
    }
    return new TsvSource(argument, config);
  }

  @Override
  public String kind() {
    return KIND;
  }

  /** The file path or glob this source reads. */
  public String filepattern() {
    return filepattern;
  }

  /**
   * The url–caption rows of the files (headers and malformed lines left out): one pass over the
   * text before the job fetches anything.
   */
  @Override
  public OptionalLong expectedRecords() {
    return OptionalLong.of(
        InputCounts.lines(
            filepattern,
            (line, number) -> UrlCaptionRows.parse(line, number) instanceof ParsedRow.Row));
  }

  @Override
  public PCollectionTuple expand(PBegin input) {
    PCollectionTuple rows =
        input
            .apply("MatchTsvFiles", FileIO.match().filepattern(filepattern))
            .apply("OpenTsvFiles", FileIO.readMatches())
            .apply(
                "ParseRows",
                ParDo.of(new ParseRowsFn())
                    .withOutputTags(URL_CAPTIONS, TupleTagList.of(REJECTED)));
    rows.get(URL_CAPTIONS).setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    rows.get(REJECTED).setCoder(AvroCoder.of(Rejected.class));

    PCollectionTuple fetched =
        rows.get(URL_CAPTIONS)
            .apply("SpreadDownloads", SpreadWork.across(config.shuffleBuckets()))
            .apply(
                "FetchImages",
                ParDo.of(new FetchImageFn(config))
                    .withOutputTags(EXAMPLES, TupleTagList.of(REJECTED)));
    fetched.get(EXAMPLES).setCoder(AvroCoder.of(RawExample.class));
    fetched.get(REJECTED).setCoder(AvroCoder.of(Rejected.class));

    PCollection<Rejected> rejected =
        PCollectionList.of(rows.get(REJECTED))
            .and(fetched.get(REJECTED))
            .apply("MergeRejected", Flatten.pCollections());
    return PCollectionTuple.of(EXAMPLES, fetched.get(EXAMPLES)).and(REJECTED, rejected);
  }

  /** Splits a TSV file into (url, caption) pairs, rejecting malformed lines by number. */
  static final class ParseRowsFn extends DoFn<FileIO.ReadableFile, KV<String, String>> {
    @ProcessElement
    public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out)
        throws IOException {
      String path = file.getMetadata().resourceId().toString();
      // Undecodable bytes become U+FFFD so one bad line rejects itself, not the whole file.
      CharsetDecoder utf8 =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE);
      try (BufferedReader reader = new BufferedReader(Channels.newReader(file.open(), utf8, -1))) {
        long lineNumber = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          lineNumber++;
          ParsedRow parsed = UrlCaptionRows.parse(line, lineNumber);
          if (parsed instanceof ParsedRow.Row row) {
            Metrics.counter(METRICS, "rows").inc();
            out.get(URL_CAPTIONS).output(KV.of(row.url(), row.caption()));
          } else if (parsed instanceof ParsedRow.Header) {
            Metrics.counter(METRICS, "header_rows").inc();
          } else {
            Metrics.counter(METRICS, "rejected_bad_row").inc();
            out.get(REJECTED)
                .output(
                    rejected(
                        path + ":" + lineNumber,
                        "read",
                        "bad_row",
                        path + " " + ((ParsedRow.Malformed) parsed).detail()));
          }
        }
      }
    }
  }

  /** Downloads one URL; the fetcher is built per DoFn instance, reusing keep-alive connections. */
  static final class FetchImageFn extends DoFn<KV<String, String>, RawExample> {
    private final SourceConfig config;
    private transient ImageFetcher fetcher;

    FetchImageFn(SourceConfig config) {
      this.config = config;
    }

    @Setup
    public void setup() {
      fetcher = new ImageFetcher(config);
    }

    @Teardown
    public void teardown() {
      if (fetcher != null) {
        fetcher.close();
      }
    }

    @ProcessElement
    public void process(@Element KV<String, String> urlCaption, MultiOutputReceiver out)
        throws InterruptedException {
      String url = urlCaption.getKey();
      FetchResult result = fetcher.fetch(url);
      if (result instanceof FetchResult.Fetched fetched) {
        Metrics.counter(METRICS, "fetched").inc();
        Metrics.counter(METRICS, "fetched_bytes").inc(fetched.body().length);
        out.get(EXAMPLES)
            .output(
                RawExample.newBuilder()
                    .setSource(KIND)
                    .setSourceKey(url)
                    .setImageBytes(ByteBuffer.wrap(fetched.body()))
                    .setCaption(urlCaption.getValue())
                    .build());
      } else {
        FetchResult.Failed failed = (FetchResult.Failed) result;
        Metrics.counter(METRICS, "rejected_" + failed.reason()).inc();
        out.get(REJECTED).output(rejected(url, "fetch", failed.reason(), failed.detail()));
      }
    }
  }

  private static Rejected rejected(String sourceKey, String stage, String reason, String detail) {
    return Rejected.newBuilder()
        .setSource(KIND)
        .setSourceKey(sourceKey)
        .setStage(stage)
        .setReason(reason)
        .setDetail(detail)
        .build();
  }
}
