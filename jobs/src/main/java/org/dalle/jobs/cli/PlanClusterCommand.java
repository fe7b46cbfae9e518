package org.dalle.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dalle.jobs.cluster.ClusterPlan;
import org.dalle.jobs.cluster.ClusterPlanConfig;
import org.dalle.jobs.cluster.ClusterPlanTable;
import org.dalle.jobs.cluster.ClusterPlanner;
import org.dalle.jobs.cluster.ModelShape;
import org.dalle.jobs.cluster.StatePrecision;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.transformer.TrainTransformerConfig;
import org.dalle.models.transformer.TransformerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dalle plan-cluster}: the memory and communication model of distributed training. */
@Command(
    name = "plan-cluster",
    mixinStandardHelpOptions = true,
    header = "Per-GPU memory and per-update communication of the prior's distributed training.",
    sortOptions = false,
    description = {
      "Models training the transformer prior on NODES machines of GPUS-PER-NODE GPUs (section 2.5 of the paper): per-GPU memory (weights, gradients, Adam moments, EMA, PowerSGD's error buffer, an activation estimate) and the bandwidth time of one update's collectives for plain data parallel, ZeRO stages 1 (Adam moments and EMA sharded over a machine's GPUs), 2 (+ gradients) and 3 (+ parameters), and stage 3 with PowerSGD between machines; then checks itself against the paper's figures (24 GB of 16-bit weights over a 16 GB V100, sharding over the 8 GPUs of a machine, PowerSGD's ~85%% at the ranks of Table 1). Memory in GB (10⁹ bytes). With no model flag: the paper's 12B prior. The defaults are the paper's run (128 × 8 V100 16 GB, batch 1024, rank 896); the paper gives no bandwidths, so the bandwidth defaults are round figures for NVLink V100 machines on a 100 Gbit/s network: measure yours (nccl-tests) and pass them.",
      ""
    })
public final class PlanClusterCommand implements Callable<Integer>, ConfiguredJob {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "A train-transformer config (configs/transformer/paper.yaml or tiny.yaml): the model's"
              + " shape and, unless --batch-size is given, its batch_size; a text_vocab_size of 0"
              + " (the tokenizer's) counts as 512, the tiny tokenizer's.")
  Path config;

  @Option(
      names = "--d-model",
      paramLabel = "D",
      description =
          "Instead of --config: the width of the paper's prior (with --layers; heads of 64, the"
              + " paper's sequence and vocabularies), e.g. 1920, 2688 or 3968 of Table 1.")
  Integer dModel;

  @Option(
      names = "--layers",
      paramLabel = "L",
      description = "Resblocks, with --d-model or --parameters. Default: 64, the paper's.")
  Integer layers;

  @Option(
      names = "--parameters",
      paramLabel = "N",
      description =
          "Instead of --config: the parameter count (e.g. 12e9); the width is taken as the"
              + " multiple of 64 nearest √(N / 12·layers).")
  Double parameters;

  @Option(
      names = "--precision",
      paramLabel = "P",
      defaultValue = "fp16-state",
      description =
          "Bytes of state per parameter: fp32 (4 weight + 4 gradient + 8 Adam + 4 EMA, fp32"
              + " activations), fp16 (this project's fp16 trainer: the same fp32 state, fp16"
              + " activations), fp16-state (the paper's section 2.4: 2 + 2 + 4 + 2 for the"
              + " resblock matrices, fp32 for gains, biases, embeddings and logits)."
              + " Default: ${DEFAULT-VALUE}.")
  String precision;

  @Option(
      names = "--ema-on-gpu",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Keep the EMA of the weights on the GPUs (--no-ema-on-gpu: in host memory, not"
              + " counted). Default: on.")
  boolean emaOnGpu;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description =
          "Sequences per update over all GPUs, for the activations. Default: the config's, else"
              + " 1024 (the paper's).")
  Integer batchSize;

  @Option(
      names = "--gpu-memory",
      paramLabel = "GIB",
      defaultValue = "16",
      description =
          "Memory of one GPU in GiB, as cards are sold (a 16 GB V100 holds 16 GiB = 17.2 GB)."
              + " Default: ${DEFAULT-VALUE}.")
  double gpuMemoryGib;

  @Option(
      names = "--reserved-memory",
      paramLabel = "GB",
      defaultValue = "1.0",
      description =
          "GB of each GPU that training state cannot use: CUDA context, library workspaces,"
              + " allocator slack. Default: ${DEFAULT-VALUE}.")
  double reservedGb;

  @Option(
      names = "--gpus-per-node",
      paramLabel = "M",
      defaultValue = "8",
      description =
          "GPUs per machine; state is sharded over them. Default: ${DEFAULT-VALUE}, the paper's.")
  int gpusPerNode;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      defaultValue = "128",
      description = "Machines. Default: ${DEFAULT-VALUE} (the paper's 1024 GPUs).")
  int nodes;

  @Option(
      names = "--intra-node-bandwidth",
      paramLabel = "GB/S",
      defaultValue = "100",
      description =
          "Bandwidth of one GPU's collectives inside a machine (NVLink), GB/s. Default:"
              + " ${DEFAULT-VALUE}.")
  double intraNodeGBps;

  @Option(
      names = "--inter-node-bandwidth",
      paramLabel = "GB/S",
      defaultValue = "12.5",
      description =
          "Bandwidth of one machine's link to the others, GB/s. Default: ${DEFAULT-VALUE}"
              + " (100 Gbit/s).")
  double interNodeGBps;

  @Option(
      names = "--powersgd-rank",
      paramLabel = "R",
      defaultValue = "896",
      description =
          "PowerSGD's rank of each matrix over a machine, a multiple of --gpus-per-node: each GPU"
              + " factors its shard at R / GPUs per node, as in the paper's Table 2. Default:"
              + " ${DEFAULT-VALUE}, the paper's for the 12B model.")
  int powerSgdRank;

  @Option(names = "--json", description = "Print the plan as one JSON object instead of tables.")
  boolean json;

  ClusterPlanConfig resolveConfig() throws IOException {
    int depth = layers == null ? 64 : layers;
    int given = (config != null ? 1 : 0) + (dModel != null ? 1 : 0) + (parameters != null ? 1 : 0);
    if (given > 1) {
      throw new IllegalArgumentException(
          "give one of --config, --d-model and --parameters; expected one way to size the model");
    }
    if (config != null && layers != null) {
      throw new IllegalArgumentException(
          "--layers is " + layers + " with --config; expected the config's layers or no --config");
    }
    ModelShape model;
    int batch = 1024;
    if (config != null) {
      TrainTransformerConfig train =
          ConfigLoader.load(
              TrainTransformerConfig.class, TrainTransformerConfig.defaults(), config, Map.of());
      if (train.model().textVocabSize() == 0) { // "the tokenizer's", which a plan cannot read
        train = train.withTokenizerVocabulary(TransformerConfig.tiny().textVocabSize());
      }
      model = ModelShape.of(train.model().validate());
      batch = train.training().batchSize();
    } else if (dModel != null) {
      model = ModelShape.withWidth(dModel, depth);
    } else if (parameters != null) {
      model = ModelShape.ofCount(Math.round(parameters), depth);
    } else {
      model = ModelShape.withWidth(3968, depth);
    }
    return new ClusterPlanConfig(
            model,
            StatePrecision.parse(precision),
            emaOnGpu,
            batchSize != null ? batchSize : batch,
            gpuMemoryGib,
            reservedGb,
            gpusPerNode,
            nodes,
            intraNodeGBps,
            interNodeGBps,
            powerSgdRank)
        .validate();
  }

  @Override
  public Object jobConfig() throws IOException {
    return resolveConfig();
  }

  @Override
  public Integer call() throws IOException {
    ClusterPlan plan = ClusterPlanner.plan(resolveConfig());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper()
              .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(plan));
      out.flush();
    } else {
      ClusterPlanTable.print(plan, out);
    }
    return plan.agreesWithPaper() ? 0 : 1;
  }
}
