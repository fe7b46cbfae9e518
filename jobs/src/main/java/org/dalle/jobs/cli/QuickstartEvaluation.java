package org.dalle.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dalle.evaluation.compositional.CompositionalEvaluation;
import org.dalle.evaluation.compositional.SyntheticCaptions;
import org.dalle.evaluation.evaluator.EvaluatorExport;
import org.dalle.evaluation.protocols.BlurRadii;
import org.dalle.jobs.clip.TrainClipConfig;
import org.dalle.jobs.clip.TrainClipResult;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.evaluate.EvaluateConfig;
import org.dalle.jobs.evaluate.EvaluationJob;
import org.dalle.jobs.evaluator.TrainEvaluatorConfig;
import org.dalle.jobs.evaluator.TrainEvaluatorResult;
import org.dalle.jobs.sample.CaptionSampler;
import org.dalle.jobs.sample.RerankerLoader;
import org.dalle.jobs.sample.SampleCaption;
import org.dalle.jobs.sample.SampleConfig;
import org.dalle.jobs.train.ResumeMode;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.models.clip.ClipExport;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.models.transformer.SamplingOptions;
import org.dalle.pipelines.prepare.PreparedData;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.schemas.CaptionedImage;

/**
 * The last stages of {@code dalle quickstart}: train the contrastive reranker and the in-domain
 * evaluator, sample reranked images for captions of both synthetic splits, and evaluate them
 * ({@code dalle evaluate}: FID and IS against blur, the compositional benchmark, report.html).
 */
final class QuickstartEvaluation {
  static final String CLIP_CONFIG = "configs/clip/tiny.yaml";
  static final String EVALUATOR_CONFIG = "configs/evaluator/tiny.yaml";

  /** Captions of each split (train, heldout) that the evaluation samples for. */
  static final int CAPTIONS_PER_SPLIT = 24;

  /** Candidates drawn per evaluation caption; all are kept, so both sets can be scored. */
  static final int CANDIDATES = 8;

  private static final ObjectMapper JSON = new ObjectMapper();

  private QuickstartEvaluation() {}

  /**
   * Trains the reranker into {@code clip/export} unless that export is complete (then the clock's
   * stage is skipped); returns 0, or the stop signal's exit code when training was interrupted.
   */
  static int trainClip(Path data, Path clip, boolean fresh, List<String> args, StageClock clock)
      throws Exception {
    Path export = clip.resolve(TrainingLoop.EXPORT_DIR);
    if (!fresh && ClipExport.isComplete(export)) {
      clock.skip(export + " is complete");
      return 0;
    }
    TrainClipConfig config =
        ConfigLoader.loadResource(
            TrainClipConfig.class,
            TrainClipConfig.defaults(),
            CLIP_CONFIG,
            Map.of("data", data.toString(), "out", clip.toString()));
    TrainClipResult result = TrainClipCommand.train(config, ResumeMode.RESUME, args);
    return result.finished() ? 0 : result.exitCode();
  }

  /**
   * Trains the in-domain evaluator into {@code evaluator/export} unless that export is complete
   * (then the clock's stage is skipped); returns 0, or the stop signal's exit code when training
   * was interrupted.
   */
  static int trainEvaluator(
      Path data, Path evaluator, boolean fresh, List<String> args, StageClock clock)
      throws Exception {
    Path export = evaluator.resolve(TrainingLoop.EXPORT_DIR);
    if (!fresh && EvaluatorExport.isComplete(export)) {
      clock.skip(export + " is complete");
      return 0;
    }
    TrainEvaluatorConfig config =
        ConfigLoader.loadResource(
            TrainEvaluatorConfig.class,
            TrainEvaluatorConfig.defaults(),
            EVALUATOR_CONFIG,
            Map.of("data", data.toString(), "out", evaluator.toString()));
    TrainEvaluatorResult result = TrainEvaluatorCommand.train(config, ResumeMode.RESUME, args);
    return result.finished() ? 0 : result.exitCode();
  }

  /**
   * Samples reranked candidates for the evaluation captions and evaluates them into {@code
   * evaluation/report}, with the dVAE run's reconstruction check, unless the report exists (then
   * the clock's stage is skipped); returns the report directory.
   */
  static Path evaluate(
      Path data,
      Path transformerExport,
      Path dvaeRun,
      Path dvaeExport,
      Path clipExport,
      Path evaluator,
      Path evaluation,
      Set<ColourShape> heldOut,
      long seed,
      boolean fresh,
      StageClock clock)
      throws IOException {
    Path report = evaluation.resolve("report");
    if (!fresh && Files.isRegularFile(report.resolve(EvaluationJob.METRICS_FILE))) {
      clock.skip(report.resolve(EvaluationJob.METRICS_FILE) + " exists");
      return report;
    }
    Path captions =
        writeCaptions(
            PreparedData.open(data.toString()),
            heldOut,
            seed,
            evaluation.resolve("captions.jsonl"));
    Path samples = evaluation.resolve("samples");
    if (fresh || !Files.isRegularFile(samples.resolve("samples.avro"))) {
      List<SampleCaption> list = new ArrayList<>();
      for (String line : Files.readAllLines(captions)) {
        var node = JSON.readTree(line);
        list.add(new SampleCaption(node.get("id").asText(), node.get("caption").asText()));
      }
      SampleConfig config =
          new SampleConfig(
              transformerExport.toString(),
              dvaeExport.toString(),
              clipExport.toString(),
              captions.toString(),
              list,
              samples.toString(),
              CANDIDATES,
              CANDIDATES,
              32,
              SamplingOptions.paper(),
              0,
              null,
              0);
      try (ImageTextScorer scorer = RerankerLoader.open(clipExport.toString())) {
        CaptionSampler.Result result = CaptionSampler.run(config, scorer, true, System.out);
        System.out.printf("  %d reranked images for %d captions%n", result.images(), list.size());
      }
    }
    EvaluateConfig config =
        new EvaluateConfig(
            samples.toString(),
            "avro:" + PreparedData.imagesPattern(data.toAbsolutePath().toString()),
            "evaluator:" + evaluator,
            captions.toString(),
            dvaeRun.toString(),
            "synthetic-quickstart",
            BlurRadii.parse(BlurRadii.DEFAULT),
            0,
            64,
            10,
            report.toString());
    EvaluateCommand.printSummary(EvaluationJob.run(config, true, System.out));
    return report;
  }

  /**
   * The evaluation captions as caption facts, {@code {"id", "caption", "attributes"}} per line: the
   * first {@link #CAPTIONS_PER_SPLIT} training records by id (scenes the transformer saw the like
   * of) and {@link #CAPTIONS_PER_SPLIT} scenes of the synthetic source's held-out split, which
   * contain the (colour, shape) pairs that training never showed (zero-shot composition).
   */
  static Path writeCaptions(PreparedData data, Set<ColourShape> heldOut, long seed, Path out)
      throws IOException {
    List<CaptionedImage> records = new ArrayList<>();
    for (CaptionedImage record : data.records()) { // by id
      if ("train".equals(String.valueOf(record.getAttributes().get("split")))) {
        records.add(record);
      }
    }
    List<SyntheticCaptions.Line> lines = new ArrayList<>();
    for (CaptionedImage record : records.subList(0, Math.min(CAPTIONS_PER_SPLIT, records.size()))) {
      Map<String, String> attributes = new LinkedHashMap<>();
      record.getAttributes().forEach((k, v) -> attributes.put(k.toString(), v.toString()));
      lines.add(
          new SyntheticCaptions.Line(
              record.getId().toString(), record.getCaption().toString(), attributes));
    }
    lines.addAll(SyntheticCaptions.heldOut(seed, heldOut, CAPTIONS_PER_SPLIT));
    SyntheticCaptions.write(lines, out);
    return out;
  }

  /** The compositional results file inside a report, for the closing summary. */
  static Path compositional(Path report) {
    return report.resolve(CompositionalEvaluation.FILE_NAME);
  }
}
