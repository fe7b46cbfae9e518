package org.dalle.jobs.cli;

import static org.dalle.jobs.cli.CommandSupport.put;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dalle.jobs.clip.ClipTrainer;
import org.dalle.jobs.clip.TrainClipConfig;
import org.dalle.jobs.clip.TrainClipResult;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.train.TrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dalle train-clip}: the contrastive model that reranks samples (section 2.5). */
@Command(
    name = "train-clip",
    mixinStandardHelpOptions = true,
    header = "Train the contrastive (CLIP-style) model that reranks samples.",
    sortOptions = false,
    description = {
      "Trains the contrastive model of section 2.5 of the paper (CLIP, Radford et al. 2021) on the pairs of DIR/images/*.avro (the prepare output), loaded into memory, with captions tokenised by DIR/tokenizer.json: a CNN image encoder and a causal transformer text encoder projected into one space, symmetric InfoNCE loss with a learned temperature (starts at 0.07, logit scale clamped at 100). Pairs with the same caption in a batch count as matches of each other; negative_swaps (config) adds hard negative captions with one word swapped within its group (NegCLIP). AdamW (weight decay on weight matrices only), linear warm-up then cosine decay, optional gradient-norm clipping. The first validation_images pairs (by record id) are held out.",
      "",
      "Writes to --out: config.yaml, run.json (versions, seeds, command of every invocation), metrics.jsonl (step, loss, image_to_text, text_to_image, accuracy = in-batch top-1, temperature, lr, grad_norm, pairs_per_s), checkpoints/ (atomic: weights, optimizer, tokenizer; every checkpoint_every steps, at the end and on Ctrl-C/SIGTERM) and, at the end, export/ (weights, config, tokenizer; the reranker `dalle sample` loads) and retrieval.json: image->text and text->image top-1/top-5 accuracy on the held-out pairs, also printed.",
      "",
      "Settings come from the config's defaults, then --config, then the flags below.",
      ""
    })
public final class TrainClipCommand implements Callable<Integer>, ConfiguredJob {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML config (configs/clip/tiny.yaml or paper.yaml); flags override it.")
  Path config;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "The prepare output directory (holding images/*.avro and tokenizer.json).")
  String data;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Run directory for checkpoints, metrics, retrieval.json and export.")
  String out;

  @Option(names = "--steps", paramLabel = "N", description = "Updates in the whole run.")
  Long steps;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description = "Image-caption pairs per update; each is contrasted with the other N-1.")
  Integer batchSize;

  @Option(
      names = "--lr",
      paramLabel = "LR",
      description = "Peak learning rate, reached after warmup_steps, then decayed by a cosine.")
  Double learningRate;

  @Option(
      names = "--warmup-steps",
      paramLabel = "N",
      description = "Updates of the linear learning-rate warm-up.")
  Long warmupSteps;

  @Option(
      names = "--validation-images",
      paramLabel = "N",
      description = "Pairs held out of training for the retrieval check at the end.")
  Integer validationImages;

  @Mixin TrainingRunOptions run;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of initialisation, data order and crops.")
  Long seed;

  /** The resolved config: defaults, then --config, then flags. */
  TrainClipConfig resolveConfig() {
    Map<String, Object> o = new LinkedHashMap<>();
    put(o, "data", data);
    put(o, "out", out);
    put(o, "steps", steps);
    put(o, "batch_size", batchSize);
    put(o, "learning_rate", learningRate);
    put(o, "warmup_steps", warmupSteps);
    put(o, "validation_images", validationImages);
    put(o, "seed", seed);
    run.putOverrides(o);
    return ConfigLoader.load(TrainClipConfig.class, TrainClipConfig.defaults(), config, o)
        .validate();
  }

  @Override
  public Object jobConfig() {
    return resolveConfig();
  }

  @Override
  public Integer call() throws Exception {
    TrainClipConfig resolved = resolveConfig();
    List<String> args = CommandSupport.originalArgs(spec);
    if (run.startsRanks()) {
      return run.startRanks(args, resolved.training().out());
    }
    TrainClipResult result =
        TrainingJob.run(new ClipTrainer(resolved), run.mode(), args, step -> {});
    result.print(System.out);
    return result.exitCode();
  }
}
