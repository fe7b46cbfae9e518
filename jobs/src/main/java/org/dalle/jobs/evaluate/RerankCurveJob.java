package org.dalle.jobs.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.dalle.evaluation.compositional.CaptionFacts;
import org.dalle.evaluation.compositional.CompositionalScorer;
import org.dalle.evaluation.compositional.RerankingCurve;
import org.dalle.evaluation.compositional.SampleSetScore;
import org.dalle.evaluation.compositional.SceneChecker;
import org.dalle.evaluation.report.RerankingCurvePlot;
import org.dalle.jobs.train.AtomicFiles;
import org.dalle.schemas.Sample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dalle rerank-curve}: the top-1 compositional score against the number of candidates the
 * reranker chose from ({@link RerankingCurve}), from a {@code dalle sample} output that kept every
 * candidate with its score. Writes {@value #CURVE_PLOT} and then {@value #CURVE_FILE} (each through
 * a temporary file renamed into place; the JSON, written last, marks a complete output).
 */
public final class RerankCurveJob {
  private static final Logger LOG = LoggerFactory.getLogger(RerankCurveJob.class);

  public static final String CURVE_FILE = "reranking_curve.json";
  public static final String CURVE_PLOT = "reranking_curve.png";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /** What was measured, as written to {@value #CURVE_FILE}. */
  public record Result(
      String samples,
      String captions,
      int captionCount,
      long heldOutCaptions,
      int candidates,
      List<RerankingCurve.Point> points) {}

  private RerankCurveJob() {}

  public static Result run(Path samples, Path captions, List<Integer> sizes, Path out)
      throws IOException {
    List<CaptionFacts> facts = CaptionFacts.read(captions);
    if (facts.isEmpty()) {
      throw new IllegalArgumentException("caption file " + captions + " holds no captions");
    }
    Map<String, CaptionFacts> byId = new LinkedHashMap<>();
    facts.forEach(f -> byId.put(f.id(), f));
    SceneChecker checker = new SceneChecker();
    CompositionalScorer scorer = new CompositionalScorer();
    Map<String, List<RerankingCurve.Candidate>> candidates = new LinkedHashMap<>();
    long read = 0;
    for (Path file : SampleSets.avroFiles(samples)) {
      try (DataFileReader<Sample> reader =
          new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(Sample.class))) {
        for (Sample sample : reader) {
          String id = sample.getCaptionId().toString();
          CaptionFacts caption = byId.get(id);
          if (caption == null) {
            throw new IllegalArgumentException(
                file + " holds caption id '" + id + "', which " + captions + " does not have");
          }
          if (sample.getScore() == null) {
            throw new IllegalArgumentException(
                file
                    + " holds unscored samples; sample with --clip and --keep equal to"
                    + " --candidates so that every candidate keeps its reranker score");
          }
          BufferedImage image = decode(sample.getImagePng(), id, sample.getCandidate());
          candidates
              .computeIfAbsent(id, k -> new ArrayList<>())
              .add(
                  new RerankingCurve.Candidate(
                      sample.getCandidate(),
                      sample.getScore(),
                      scorer.score(caption, checker.check(image))));
          if (++read % 1024 == 0) {
            LOG.info(String.format("rerank-curve: checked %d images", read));
          }
        }
      }
    }
    List<RerankingCurve.CaptionCandidates> joined = RerankingCurve.join(facts, candidates);
    List<RerankingCurve.Point> points = RerankingCurve.compute(joined, sizes);
    Result result =
        new Result(
            samples.toString(),
            captions.toString(),
            facts.size(),
            facts.stream().filter(f -> !f.heldOut().isEmpty()).count(),
            joined.get(0).candidates().size(),
            points);
    Files.createDirectories(out);
    Files.deleteIfExists(out.resolve(CURVE_FILE));
    int[] n = points.stream().mapToInt(RerankingCurve.Point::n).toArray();
    RerankingCurvePlot.writePng(
        "reranked top-1 on the synthetic captions (compositional checker)",
        n,
        List.of(
            series("all captions: every fact", points, p -> p.all()),
            series("held-out pairs: every fact", points, p -> p.heldOutPairs()),
            series("seen pairs: every fact", points, p -> p.seenPairs()),
            new RerankingCurvePlot.Series(
                "all captions: overall task score",
                points.stream()
                    .mapToDouble(
                        p -> p.all().overall() == null ? Double.NaN : 100 * p.all().overall())
                    .toArray())),
        out.resolve(CURVE_PLOT));
    AtomicFiles.writeString(out.resolve(CURVE_FILE), JSON.writeValueAsString(result) + "\n");
    return result;
  }

  /** The table {@code dalle rerank-curve} prints. */
  public static String table(Result result) {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "%4s  %6s  %22s  %22s  %22s  %22s  %22s  %8s  %10s%n",
            "N",
            "pools",
            "every fact, all",
            "every fact, held-out",
            "every fact, seen",
            "single obj., held-out",
            "single obj., seen",
            "overall",
            "any right"));
    for (RerankingCurve.Point p : result.points()) {
      text.append(
          String.format(
              Locale.ROOT,
              "%4d  %6d  %22s  %22s  %22s  %22s  %22s  %7.1f%%  %9.1f%%%n",
              p.n(),
              p.poolsPerCaption(),
              cell(p.all()),
              cell(p.heldOutPairs()),
              cell(p.seenPairs()),
              cell(p.singleHeldOut()),
              cell(p.singleSeen()),
              p.all().overall() == null ? Double.NaN : 100 * p.all().overall(),
              100 * p.anyRight()));
    }
    text.append(
        "any right: the share of pools holding a candidate with every fact right, which a reranker"
            + " that never missed would keep; the gap to \"every fact, all\" is the reranker's\n");
    return text.toString();
  }

  private static String cell(SampleSetScore score) {
    if (score == null) {
      return "-";
    }
    return String.format(
        Locale.ROOT,
        "%5.1f%% (%d/%d)",
        100 * RerankingCurve.allFacts(score),
        score.allFacts().passed(),
        score.allFacts().total());
  }

  private static RerankingCurvePlot.Series series(
      String label,
      List<RerankingCurve.Point> points,
      Function<RerankingCurve.Point, SampleSetScore> set) {
    return new RerankingCurvePlot.Series(
        label,
        points.stream()
            .mapToDouble(
                p ->
                    set.apply(p) == null ? Double.NaN : 100 * RerankingCurve.allFacts(set.apply(p)))
            .toArray());
  }

  private static BufferedImage decode(ByteBuffer png, String id, int candidate) throws IOException {
    ByteBuffer copy = png.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    if (image == null) {
      throw new IOException(
          "the PNG of caption '" + id + "' candidate " + candidate + " cannot be decoded");
    }
    return image;
  }
}
