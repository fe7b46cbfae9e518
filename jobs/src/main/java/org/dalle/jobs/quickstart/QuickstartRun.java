package org.dalle.jobs.quickstart;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dalle.jobs.clip.TrainClipConfig;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.dvae.TrainDvaeConfig;
import org.dalle.jobs.evaluate.EvaluateConfig;
import org.dalle.jobs.indomain.TrainEvaluatorConfig;
import org.dalle.jobs.sample.SampleCaption;
import org.dalle.jobs.sample.SampleConfig;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.jobs.transformer.TrainTransformerConfig;
import org.dalle.pipelines.encode.EncodeConfig;
import org.dalle.pipelines.prepare.PrepareConfig;
import org.dalle.pipelines.prepare.PreparedData;

/**
 * One quickstart run: where each stage writes inside the run directory, and each stage's config,
 * loaded from the config file a user would pass to that stage's own job ({@code configs/…}, shipped
 * inside the jar) with the run's folders as overrides.
 *
 * @param dir the run directory ({@code runs/quickstart} by default)
 * @param fresh redo every stage even if its outputs are complete
 * @param args the command line, recorded in every training run's {@code run.json}
 */
record QuickstartRun(Path dir, boolean fresh, List<String> args) {
  static final String PREPARE_CONFIG = "configs/prepare/quickstart.yaml";
  static final String DVAE_CONFIG = "configs/dvae/tiny.yaml";
  static final String TRANSFORMER_CONFIG = "configs/transformer/tiny.yaml";
  static final String CLIP_CONFIG = "configs/clip/tiny.yaml";
  static final String EVALUATOR_CONFIG = "configs/evaluator/tiny.yaml";
  static final String SAMPLE_CONFIG = "configs/sample/quickstart.yaml";
  static final String EVALUATE_CONFIG = "configs/evaluate/quickstart.yaml";

  QuickstartRun {
    args = List.copyOf(args);
  }

  Path data() {
    return dir.resolve("data");
  }

  Path dvae() {
    return dir.resolve("dvae");
  }

  Path tokens() {
    return dir.resolve("tokens");
  }

  Path transformer() {
    return dir.resolve("transformer");
  }

  Path clip() {
    return dir.resolve("clip");
  }

  Path evaluator() {
    return dir.resolve("evaluator");
  }

  Path samples() {
    return dir.resolve("samples");
  }

  Path evaluation() {
    return dir.resolve("evaluation");
  }

  /** The export a training stage writes for the next, inside its folder. */
  static Path export(Path stage) {
    return stage.resolve(TrainingLoop.EXPORT_DIR);
  }

  /**
   * The prepare stage's config, writing to {@link #data()}.
   *
   * @param images the synthetic images to render; null keeps the config file's count
   */
  PrepareConfig prepareConfig(Integer images) {
    Map<String, Object> overrides = new LinkedHashMap<>(Map.of("out", data().toString()));
    PrepareConfig prepare =
        ConfigLoader.loadResource(
            PrepareConfig.class, PrepareConfig.defaults(), PREPARE_CONFIG, overrides);
    if (images == null) {
      return prepare;
    }
    String synthetic =
        prepare.inputs().get(0).replaceFirst("^synthetic:\\d+", "synthetic:" + images);
    overrides.put("inputs", List.of(synthetic));
    return ConfigLoader.loadResource(
        PrepareConfig.class, PrepareConfig.defaults(), PREPARE_CONFIG, overrides);
  }

  TrainDvaeConfig dvaeConfig() {
    return load(TrainDvaeConfig.class, TrainDvaeConfig.defaults(), DVAE_CONFIG, data(), dvae());
  }

  /** The encode stage's config: the documented defaults, as {@code dalle encode} has them. */
  EncodeConfig encodeConfig() {
    return EncodeConfig.of(data().toString(), export(dvae()).toString(), tokens().toString());
  }

  TrainTransformerConfig transformerConfig() {
    return ConfigLoader.loadResource(
        TrainTransformerConfig.class,
        TrainTransformerConfig.defaults(),
        TRANSFORMER_CONFIG,
        Map.of(
            "data", tokens().toString(),
            "tokenizer", data().resolve(PreparedData.TOKENIZER).toString(),
            "out", transformer().toString()));
  }

  TrainClipConfig clipConfig() {
    return load(TrainClipConfig.class, TrainClipConfig.defaults(), CLIP_CONFIG, data(), clip());
  }

  TrainEvaluatorConfig evaluatorConfig() {
    return load(
        TrainEvaluatorConfig.class,
        TrainEvaluatorConfig.defaults(),
        EVALUATOR_CONFIG,
        data(),
        evaluator());
  }

  /**
   * Sampling with the run's models: the settings of {@value #SAMPLE_CONFIG}, reranked by the run's
   * contrastive model.
   *
   * @param captionSource where the captions came from, for the samples' {@code run.json}
   * @param overrides further settings, such as {@code batch_size}
   */
  SampleConfig sampleConfig(
      String captionSource, List<SampleCaption> captions, Path out, Map<String, Object> overrides) {
    Map<String, Object> settings = new LinkedHashMap<>(overrides);
    settings.put("transformer", export(transformer()).toString());
    settings.put("dvae", export(dvae()).toString());
    settings.put("clip", export(clip()).toString());
    settings.put("caption_source", captionSource);
    settings.put("captions", captions);
    settings.put("out", out.toString());
    return ConfigLoader.loadResource(
        SampleConfig.class, SampleConfig.defaults(), SAMPLE_CONFIG, settings);
  }

  /**
   * The evaluation of {@code samples} against the prepared images in the features of the run's
   * evaluator, with the settings of {@value #EVALUATE_CONFIG} and the dVAE's reconstruction check.
   */
  EvaluateConfig evaluateConfig(Path samples, Path captions, Path report) {
    return ConfigLoader.loadResource(
        EvaluateConfig.class,
        EvaluateConfig.defaults(),
        EVALUATE_CONFIG,
        Map.of(
            "samples", samples.toString(),
            "reference", "avro:" + PreparedData.imagesPattern(data().toAbsolutePath().toString()),
            "features", "evaluator:" + export(evaluator()),
            "captions", captions.toString(),
            "dvae_run", dvae().toString(),
            "out", report.toString()));
  }

  private static <T> T load(Class<T> type, T defaults, String resource, Path data, Path out) {
    return ConfigLoader.loadResource(
        type, defaults, resource, Map.of("data", data.toString(), "out", out.toString()));
  }
}
