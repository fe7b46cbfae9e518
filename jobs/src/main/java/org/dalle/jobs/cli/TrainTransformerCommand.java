package org.dalle.jobs.cli;

import static org.dalle.jobs.cli.CommandSupport.put;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.train.TrainingJob;
import org.dalle.jobs.transformer.TrainTransformerConfig;
import org.dalle.jobs.transformer.TrainTransformerResult;
import org.dalle.jobs.transformer.TransformerTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dalle train-transformer}: stage 2, the sparse transformer prior over text and image. */
@Command(
    name = "train-transformer",
    mixinStandardHelpOptions = true,
    header = "Stage 2: train the sparse transformer prior on text and image tokens.",
    sortOptions = false,
    description = {
      "Trains the transformer of section 2.2 of the paper on DIR/tokens/*.avro (the encode output), loaded into memory: [text tokens ‖ image tokens] modelled autoregressively with row, column and causal convolutional attention, loss weighted text 1/8, image 7/8. AdamW (0.9, 0.96, 1e-8, weight decay on weight matrices only), linear warm-up then halving on plateau, global gradient-norm clipping, EMA of the weights, optional BPE dropout on captions. Writes to --out: config.yaml, run.json, metrics.jsonl (step, loss, text_loss, image_loss, grad_norm, lr, skipped_updates, tokens_per_s; with fp16 also min/max_grad_scale), checkpoints/ (atomic: weights, optimizer, EMA, trainer state, tokenizer; every checkpoint_every steps, at the end and on Ctrl-C/SIGTERM) and, at the end, export/ (EMA weights, config, tokenizer) for `dalle sample`.",
      "",
      "Settings come from the config's defaults, then --config, then the flags below.",
      ""
    })
public final class TrainTransformerCommand implements Callable<Integer>, ConfiguredJob {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML config (configs/transformer/tiny.yaml or paper.yaml); flags override it.")
  Path config;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "The encode output directory (holding tokens/*.avro).")
  String data;

  @Option(
      names = "--tokenizer",
      paramLabel = "FILE",
      description =
          "The tokenizer.json of the prepare output the tokens came from (BPE dropout, export);"
              + " default: the tokenizer.json of the prepare output that DIR/run.json names"
              + " (prepared_data, written by dalle encode).")
  String tokenizer;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Run directory for checkpoints, metrics and export.")
  String out;

  @Option(names = "--steps", paramLabel = "N", description = "Updates in the whole run.")
  Long steps;

  @Option(names = "--batch-size", paramLabel = "N", description = "Sequences per update.")
  Integer batchSize;

  @Option(
      names = "--lr",
      paramLabel = "LR",
      description = "Peak learning rate, reached after warmup_steps, halved on plateaus.")
  Double learningRate;

  @Option(
      names = "--bpe-dropout",
      paramLabel = "P",
      description = "Probability of skipping each BPE merge when re-tokenising a caption (0: off).")
  Double bpeDropout;

  @Option(
      names = "--precision",
      paramLabel = "fp32|fp16",
      description =
          "fp32 (the default on a CPU), or fp16: float16 resblocks from float32 master weights with"
              + " per-resblock gradient scaling; updates with non-finite gradients are skipped.")
  String precision;

  @Mixin TrainingRunOptions run;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of initialisation, data order, dropout and BPE dropout.")
  Long seed;

  /** The resolved config: defaults, then --config, then flags. */
  TrainTransformerConfig resolveConfig() {
    Map<String, Object> o = new LinkedHashMap<>();
    put(o, "data", data);
    put(o, "tokenizer", tokenizer);
    put(o, "out", out);
    put(o, "steps", steps);
    put(o, "batch_size", batchSize);
    put(o, "learning_rate", learningRate);
    put(o, "bpe_dropout", bpeDropout);
    put(o, "precision", precision);
    put(o, "seed", seed);
    run.putOverrides(o);
    return ConfigLoader.load(
            TrainTransformerConfig.class, TrainTransformerConfig.defaults(), config, o)
        .validate();
  }

  @Override
  public Object jobConfig() {
    return resolveConfig();
  }

  @Override
  public Integer call() throws Exception {
    TrainTransformerConfig resolved = resolveConfig();
    List<String> args = CommandSupport.originalArgs(spec);
    if (run.startsRanks()) {
      return run.startRanks(args, resolved.training().out());
    }
    TrainTransformerResult result =
        TrainingJob.run(new TransformerTrainer(resolved), run.mode(), args, step -> {});
    result.print(System.out);
    return result.exitCode();
  }
}
