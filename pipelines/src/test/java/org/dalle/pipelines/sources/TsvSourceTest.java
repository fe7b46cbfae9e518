package org.dalle.pipelines.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.pipelines.sources.http.LoopbackImageServer;
import org.dalle.pipelines.testing.TestPipelineExtension;
import org.dalle.schemas.RawExample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TsvSourceTest {
  private static LoopbackImageServer server;

  @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();
  @TempDir Path dir;

  private final SourceConfig loopbackAllowed =
      SourceConfig.builder()
          .httpConnectTimeoutMillis(500)
          .httpReadTimeoutMillis(500)
          .httpMaxAttempts(2)
          .httpInitialBackoffMillis(5)
          .httpMaxBytes(64 * 1024)
          .allowPrivateAddresses(true)
          .build();

  @BeforeAll
  static void startServer() throws IOException {
    server = new LoopbackImageServer();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void resetCounts() {
    server.resetCounts();
  }

  private Path writeTsv() throws IOException {
    Path tsv = dir.resolve("urls.tsv");
    List<String> lines =
        List.of(
            "url\tcaption",
            server.url("/good.png") + "\ta red checkerboard",
            "a blue checkerboard\t" + server.url("/good.jpg"),
            server.url("/missing") + "\tgone",
            server.url("/noai") + "\topted out",
            server.url("/page.html") + "\ta web page",
            server.url("/redirect-to-good") + "\tmoved",
            server.url("/flaky") + "\tflaky",
            "ftp://127.0.0.1/x.png\tnot http",
            "just some words\twithout a url",
            server.url("/good.png") + "\ttoo\tmany",
            "");
    Files.writeString(tsv, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return tsv;
  }

  private static String describe(RawExample e) {
    byte[] bytes = e.getImageBytes().array();
    String kind =
        Arrays.equals(bytes, LoopbackImageServer.PNG)
            ? "png"
            : Arrays.equals(bytes, LoopbackImageServer.JPEG) ? "jpeg" : "other";
    return e.getSource() + " " + e.getSourceKey() + " | " + e.getCaption() + " | " + kind;
  }

  @Test
  void fetchesGoodUrlsAndRejectsEveryOtherRowWithItsReason() throws IOException {
    Path tsv = writeTsv();

    PCollectionTuple out =
        beam.pipeline().apply(TsvSource.fromSpec(tsv.toString(), loopbackAllowed));

    PAssert.that(
            out.get(ImageSource.EXAMPLES)
                .apply(
                    "DescribeExamples",
                    MapElements.into(TypeDescriptors.strings()).via(TsvSourceTest::describe)))
        .containsInAnyOrder(
            "tsv " + server.url("/good.png") + " | a red checkerboard | png",
            "tsv " + server.url("/good.jpg") + " | a blue checkerboard | jpeg",
            "tsv " + server.url("/redirect-to-good") + " | moved | png",
            "tsv " + server.url("/flaky") + " | flaky | png");
    PAssert.that(
            out.get(ImageSource.REJECTED)
                .apply(
                    "DescribeRejects",
                    MapElements.into(TypeDescriptors.strings())
                        .via(r -> r.getSourceKey() + " " + r.getStage() + " " + r.getReason())))
        .containsInAnyOrder(
            server.url("/missing") + " fetch http_status",
            server.url("/noai") + " fetch opted_out",
            server.url("/page.html") + " fetch bad_content_type",
            "ftp://127.0.0.1/x.png fetch unsupported_scheme",
            tsv + ":10 read bad_row",
            tsv + ":11 read bad_row",
            tsv + ":12 read bad_row");
    PipelineResult result = beam.pipeline().run();
    result.waitUntilFinish();

    assertEquals(2, server.requests("/flaky"));
    assertEquals(
        Map.of(
            "rows", 8L,
            "header_rows", 1L,
            "rejected_bad_row", 3L,
            "fetched", 4L,
            "fetched_bytes", 3L * LoopbackImageServer.PNG.length + LoopbackImageServer.JPEG.length,
            "rejected_http_status", 1L,
            "rejected_opted_out", 1L,
            "rejected_bad_content_type", 1L,
            "rejected_unsupported_scheme", 1L),
        counters(result));
  }

  private static Map<String, Long> counters(PipelineResult result) {
    Map<String, Long> counters = new TreeMap<>();
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.inNamespace("TsvSource"))
                    .build())
            .getCounters()) {
      counters.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
    }
    return counters;
  }

  @Test
  void defaultConfigRefusesLoopbackUrlsWithoutSendingARequest() throws IOException {
    Path tsv = writeTsv();

    PCollectionTuple out =
        beam.pipeline().apply(TsvSource.fromSpec(tsv.toString(), SourceConfig.builder().build()));

    PAssert.that(out.get(ImageSource.EXAMPLES)).empty();
    PAssert.that(
            out.get(ImageSource.REJECTED)
                .apply(
                    "Reasons",
                    MapElements.into(TypeDescriptors.strings())
                        .via(r -> r.getStage() + " " + r.getReason())))
        .containsInAnyOrder(
            "fetch blocked_address",
            "fetch blocked_address",
            "fetch blocked_address",
            "fetch blocked_address",
            "fetch blocked_address",
            "fetch blocked_address",
            "fetch blocked_address",
            "fetch unsupported_scheme",
            "read bad_row",
            "read bad_row",
            "read bad_row");
    beam.pipeline().run().waitUntilFinish();

    assertEquals(0, server.totalRequests());
  }

  @Test
  void badRowDetailNamesTheFileLineAndText() throws IOException {
    Path tsv = dir.resolve("one-bad-row.tsv");
    Files.writeString(tsv, "no url here\tat all\n", StandardCharsets.UTF_8);

    PCollectionTuple out =
        beam.pipeline().apply(TsvSource.fromSpec(tsv.toString(), loopbackAllowed));

    PAssert.that(
            out.get(ImageSource.REJECTED)
                .apply(
                    "Details", MapElements.into(TypeDescriptors.strings()).via(r -> r.getDetail())))
        .containsInAnyOrder(
            tsv
                + " line 1 has no URL in either column; expected url<TAB>caption or"
                + " caption<TAB>url: 'no url here\\tat all'");
    PAssert.that(out.get(ImageSource.EXAMPLES)).empty();
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void fromSpecValidatesThePath() {
    TsvSource source = TsvSource.fromSpec("/data/cc3m/train.tsv", loopbackAllowed);
    assertEquals("tsv", source.kind());
    assertEquals("/data/cc3m/train.tsv", source.filepattern());

    IllegalArgumentException blank =
        assertThrows(
            IllegalArgumentException.class, () -> TsvSource.fromSpec(" ", loopbackAllowed));
    assertTrue(blank.getMessage().contains("expected tsv:FILE"), blank.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> TsvSource.fromSpec("/a.tsv ", loopbackAllowed));
  }
}
