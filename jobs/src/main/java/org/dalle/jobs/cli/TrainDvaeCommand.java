package org.dalle.jobs.cli;

import static org.dalle.jobs.cli.CommandSupport.put;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.dvae.DvaeTrainer;
import org.dalle.jobs.dvae.TrainDvaeConfig;
import org.dalle.jobs.dvae.TrainDvaeResult;
import org.dalle.jobs.train.TrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dalle train-dvae}: stage 1, the discrete VAE that learns the visual codebook. */
@Command(
    name = "train-dvae",
    mixinStandardHelpOptions = true,
    header = "Stage 1: train the discrete VAE (the visual codebook) on prepared images.",
    sortOptions = false,
    description = {
      "Trains the dVAE of section 2.1 of the paper on DIR/images/*.avro (the prepare output), loaded into memory. AdamW with a cosine learning rate, Gumbel-softmax temperature annealed 1 → 1/16, KL weight raised 0 → 6.6 (cosine), EMA of the weights. Writes to --out: config.yaml, run.json, metrics.jsonl (step, loss, reconstruction, kl, tau, beta, lr, codebook_usage, perplexity, mse), checkpoints/ (atomic, every checkpoint_every steps, at the end and on Ctrl-C/SIGTERM), reconstructions.png (held-out originals on top, EMA reconstructions below) and, at the end, export/dvae.params + export/dvae-config.json for `dalle encode`.",
      "",
      "Reconstruction check (at the end, data prepared from a synthetic: source only): reconstruction_check_images (default 256; 0 turns it off) scenes of the synthetic source's held-out split, rendered as the prepare run did (seed, size and held-out pairs read from DIR/run.json) and never seen in training, go through the EMA dVAE (argmax codes). The compositional checker reads originals and reconstructions; an image is right when the checker finds exactly its objects, matched one-to-one by colour and shape. Printed, and written to reconstruction_check.json, reconstruction_check.png (originals above reconstructions framed green/red) and a check_* line of metrics.jsonl: the share of right reconstructions, the checker's share on the originals, their ratio (target ≥ 0.95), the shares right in colour alone and in shape alone, codebook usage and perplexity over the checked images, and MSE.",
      "",
      "Settings come from the config's defaults, then --config, then the flags below.",
      ""
    })
public final class TrainDvaeCommand implements Callable<Integer>, ConfiguredJob {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML config (configs/dvae/tiny.yaml or paper.yaml); flags override it.")
  Path config;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "The prepare output directory (holding images/*.avro).")
  String data;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Run directory for checkpoints, metrics, figure and export.")
  String out;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Updates in the whole run (the learning-rate schedule spans them).")
  Long steps;

  @Option(names = "--batch-size", paramLabel = "N", description = "Images per update.")
  Integer batchSize;

  @Option(
      names = "--lr",
      paramLabel = "LR",
      description = "Initial learning rate, decayed by cosine to final_learning_rate.")
  Double learningRate;

  @Mixin TrainingRunOptions run;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of initialisation, data order, flips and Gumbel noise.")
  Long seed;

  @Option(
      names = "--reconstruction-check-images",
      paramLabel = "N",
      description =
          "Held-out-split scenes of the reconstruction check at the end (synthetic data only);"
              + " 0 turns it off. Default: 256.")
  Integer reconstructionCheckImages;

  @Option(
      names = "--no-flip",
      description = "Do not mirror training images at random.",
      negatable = false)
  Boolean noFlip;

  /** The resolved config: defaults, then --config, then flags. */
  TrainDvaeConfig resolveConfig() {
    Map<String, Object> o = new LinkedHashMap<>();
    put(o, "data", data);
    put(o, "out", out);
    put(o, "steps", steps);
    put(o, "batch_size", batchSize);
    put(o, "learning_rate", learningRate);
    put(o, "seed", seed);
    put(o, "reconstruction_check_images", reconstructionCheckImages);
    run.putOverrides(o);
    if (Boolean.TRUE.equals(noFlip)) {
      o.put("flip", false);
    }
    return ConfigLoader.load(TrainDvaeConfig.class, TrainDvaeConfig.defaults(), config, o)
        .validate();
  }

  @Override
  public Object jobConfig() {
    return resolveConfig();
  }

  @Override
  public Integer call() throws Exception {
    TrainDvaeConfig resolved = resolveConfig();
    List<String> args = CommandSupport.originalArgs(spec);
    if (run.startsRanks()) {
      return run.startRanks(args, resolved.training().out());
    }
    TrainDvaeResult result =
        TrainingJob.run(new DvaeTrainer(resolved), run.mode(), args, step -> {});
    result.print(System.out, resolved);
    return result.exitCode();
  }
}
