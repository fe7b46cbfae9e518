package org.dalle.jobs.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dalle.evaluation.protocols.BlurRadii;
import org.dalle.jobs.dvae.TrainDvaeConfig;
import org.dalle.jobs.evaluate.EvaluateConfig;
import org.dalle.jobs.sample.SampleCaption;
import org.dalle.jobs.sample.SampleConfig;
import org.dalle.jobs.transformer.TrainTransformerConfig;
import org.dalle.models.transformer.SamplingOptions;
import org.dalle.pipelines.encode.EncodeConfig;
import org.dalle.pipelines.prepare.PrepareConfig;
import org.dalle.pipelines.prepare.PreparedData;
import org.junit.jupiter.api.Test;

/**
 * Each stage's config comes from the config file a user would pass, with the run's folders filled
 * in: the settings the quickstart has always used.
 */
class QuickstartRunTest {
  private final Path dir = Path.of("runs", "q");
  private final QuickstartRun run = new QuickstartRun(dir, false, List.of("quickstart"));

  @Test
  void trainingStagesReadTheTinyConfigsWithTheRunsFolders() {
    TrainDvaeConfig dvae = run.dvaeConfig();
    assertEquals(dir.resolve("data").toString(), dvae.data());
    assertEquals(dir.resolve("dvae").toString(), dvae.training().out());
    TrainTransformerConfig transformer = run.transformerConfig();
    assertEquals(dir.resolve("tokens").toString(), transformer.data());
    assertEquals(dir.resolve("data/tokenizer.json").toString(), transformer.tokenizer());
    assertEquals(dir.resolve("transformer").toString(), transformer.training().out());
    assertEquals(dir.resolve("clip").toString(), run.clipConfig().training().out());
    assertEquals(dir.resolve("evaluator").toString(), run.evaluatorConfig().training().out());
    assertEquals(
        new EncodeConfig("runs/q/data", "runs/q/dvae/export", "runs/q/tokens", 32, 1),
        run.encodeConfig());
  }

  @Test
  void imagesReplaceOnlyTheSyntheticCount() {
    PrepareConfig configured = run.prepareConfig(null);
    assertEquals(List.of("synthetic:12000,seed=1,size=64"), configured.inputs());
    assertEquals(dir.resolve("data").toString(), configured.out());
    PrepareConfig fewer = run.prepareConfig(300);
    assertEquals(List.of("synthetic:300,seed=1,size=64"), fewer.inputs());
    assertEquals(configured.source(), fewer.source());
  }

  @Test
  void samplingDrawsEightCandidatesKeepsThemAllAndRerankesWithTheRunsModel() {
    List<SampleCaption> captions = List.of(SampleCaption.ofText("a large red triangle"));
    SampleConfig grids =
        run.sampleConfig("quickstart captions", captions, dir.resolve("s"), Map.of());
    assertEquals("runs/q/transformer/export", grids.transformer());
    assertEquals("runs/q/dvae/export", grids.dvae());
    assertEquals("runs/q/clip/export", grids.clip());
    assertEquals("quickstart captions", grids.captionSource());
    assertEquals(captions, grids.captions());
    assertEquals("runs/q/s", grids.out());
    assertEquals(8, grids.candidates());
    assertEquals(8, grids.keep());
    assertEquals(16, grids.batchSize());
    assertEquals(SamplingOptions.paper(), grids.sampling());
    assertEquals(0, grids.seed());
    assertNull(grids.prefixImage());
    assertEquals(0, grids.keepRows());
    SampleConfig evaluation =
        run.sampleConfig("c.jsonl", captions, dir.resolve("s"), Map.of("batch_size", 32));
    assertEquals(32, evaluation.batchSize());
    assertEquals(8, evaluation.candidates());
  }

  @Test
  void evaluationUsesTheEvaluatorsFeaturesAtThePapersBlurRadii() {
    EvaluateConfig config =
        run.evaluateConfig(dir.resolve("e/samples"), dir.resolve("e/c.jsonl"), dir.resolve("e/r"));
    assertEquals("runs/q/e/samples", config.samples());
    assertEquals(
        "avro:" + PreparedData.imagesPattern(dir.resolve("data").toAbsolutePath().toString()),
        config.reference());
    assertEquals("evaluator:runs/q/evaluator/export", config.features());
    assertEquals("runs/q/e/c.jsonl", config.captions());
    assertEquals("runs/q/dvae", config.dvaeRun());
    assertEquals("synthetic-quickstart", config.protocol());
    assertEquals(BlurRadii.parse(BlurRadii.DEFAULT), config.blur());
    assertEquals(0, config.squareSize());
    assertEquals(64, config.batchSize());
    assertEquals(10, config.splits());
    assertEquals("runs/q/e/r", config.out());
    config.validate();
  }
}
