package org.dalle.jobs.quickstart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.dalle.evaluation.compositional.SyntheticCaptions;
import org.dalle.jobs.evaluate.EvaluationJob;
import org.dalle.jobs.evaluate.EvaluationSummary;
import org.dalle.jobs.sample.CaptionFiles;
import org.dalle.jobs.sample.CaptionSampler;
import org.dalle.jobs.sample.RerankerLoader;
import org.dalle.jobs.sample.SampleCaption;
import org.dalle.jobs.sample.SampleConfig;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.pipelines.prepare.PreparedData;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.schemas.CaptionedImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quickstart's last stage, into {@code evaluation/}: sample reranked candidates for captions of
 * both synthetic splits ({@code dalle sample}), then evaluate them ({@code dalle evaluate}: FID and
 * IS against blur, the compositional benchmark, the dVAE's reconstruction check, report.html).
 */
final class EvaluationStage {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluationStage.class);

  /** Captions of each split (train, heldout) that the evaluation samples for. */
  static final int CAPTIONS_PER_SPLIT = 24;

  /** (caption, candidate) pairs sampled together; does not change the images. */
  static final int SAMPLE_BATCH = 32;

  private final QuickstartRun run;
  private final Set<ColourShape> heldOut;
  private final long seed;

  /**
   * @param heldOut the (colour, shape) pairs held out of training
   * @param seed the synthetic source's seed, which renders the held-out split's scenes
   */
  EvaluationStage(QuickstartRun run, Set<ColourShape> heldOut, long seed) {
    this.run = run;
    this.heldOut = heldOut;
    this.seed = seed;
  }

  /** The report folder inside {@code evaluation/}. */
  Path report() {
    return run.evaluation().resolve("report");
  }

  /** The stage: {@code 8/8 evaluate} into {@code evaluation/}, complete once its report is. */
  Stage stage() {
    return Stage.of("8/8 evaluate", run.evaluation(), this::complete, this::run);
  }

  /** Why the stage is complete: its report's {@code metrics.json} exists. */
  Optional<String> complete() {
    Path metrics = report().resolve(EvaluationJob.METRICS_FILE);
    return Files.isRegularFile(metrics) ? Optional.of(metrics + " exists") : Optional.empty();
  }

  /** Writes the captions, samples for them unless the samples exist, and evaluates them. */
  int run() throws IOException {
    Path evaluation = run.evaluation();
    Path captions =
        writeCaptions(
            PreparedData.open(run.data().toString()),
            heldOut,
            seed,
            evaluation.resolve("captions.jsonl"));
    Path samples = evaluation.resolve("samples");
    if (run.fresh() || !Files.isRegularFile(samples.resolve("samples.avro"))) {
      List<SampleCaption> list = CaptionFiles.read(captions);
      SampleConfig config =
          run.sampleConfig(captions.toString(), list, samples, Map.of("batch_size", SAMPLE_BATCH));
      try (ImageTextScorer scorer = RerankerLoader.open(config.clip())) {
        CaptionSampler.Result result = CaptionSampler.run(config, scorer, true);
        LOG.info(
            String.format("  %d reranked images for %d captions", result.images(), list.size()));
      }
    }
    EvaluationJob.Result result =
        EvaluationJob.run(run.evaluateConfig(samples, captions, report()), true);
    EvaluationSummary.print(result, System.out);
    return 0;
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
}
