package org.dalle.jobs.cli;

import java.util.concurrent.Callable;
import org.dalle.pipelines.encode.EncodeConfig;
import org.dalle.pipelines.encode.EncodePipeline;
import org.dalle.pipelines.encode.EncodeSummary;
import org.dalle.pipelines.io.StagedRun;
import org.dalle.pipelines.options.DallePipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dalle encode}: prepared images + a trained dVAE → image-token records. */
@Command(
    name = "encode",
    header = "Prepared images + a trained dVAE → text and image tokens for the transformer (Beam).",
    sortOptions = false,
    description = {
      "Reads the images/*.avro of a prepare output, encodes every image with the dVAE into a grid of image tokens (the argmax of the encoder logits, section 2.2 of the paper), and writes tokens/*.avro (TokenizedExample: id, caption, the prepare stage's text tokens, image tokens row-major, grid size, attributes), rejected/*.avro (images whose size differs from the model's, or unreadable), run.json and summary.json (last: its presence marks a complete output).",
      "Each worker loads the model once and encodes images in batches; the tokens are the same as encoding each image on its own.",
      ""
    })
public final class EncodeCommand implements Callable<Integer>, ConfiguredJob {
  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "A complete output of dalle prepare (local or gs://).")
  String data;

  @Option(
      names = "--dvae",
      required = true,
      paramLabel = "EXPORT_DIR",
      description =
          "A dVAE export directory holding dvae-config.json and dvae.params, as train-dvae writes.")
  String dvae;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output directory (local or gs://).")
  String out;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "32",
      description = "Images per forward pass of the encoder. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "1",
      description = {
        "PyTorch intra-op threads per worker JVM; 0 keeps the engine's default (all cores). The runner already encodes one bundle per core in parallel, so 1 avoids cores × cores threads. Default: ${DEFAULT-VALUE}."
      })
  int threads;

  @Option(names = "--overwrite", description = "Replace a complete output already in --out.")
  boolean overwrite;

  @Mixin RunnerOptions runner = new RunnerOptions();

  EncodeConfig resolveConfig() {
    return new EncodeConfig(data, dvae, out, batchSize, threads).validate();
  }

  /** The config, once Beam has read the pipeline options: the job checks both before any work. */
  @Override
  public Object jobConfig() {
    runner.toPipelineOptions();
    return resolveConfig();
  }

  @Override
  public Integer call() {
    DallePipelineOptions options = runner.toPipelineOptions();
    EncodeConfig config = resolveConfig();
    if (StagedRun.createsTemplate(options)) {
      // A Flex Template launch: the job runs on Dataflow after this process exits and commits
      // its own output.
      EncodePipeline.launch(config, options, overwrite);
      return 0;
    }
    EncodeSummary summary = EncodePipeline.run(config, options, overwrite);
    System.out.printf(
        "encode: done. %d read, %d written (%dx%d image tokens each), %d rejected.%n"
            + "  outputs: %s/tokens/*.avro, summary.json"
            + " (rejected/*.avro says why each rejected image was dropped)%n",
        summary.read(),
        summary.written(),
        summary.gridSize(),
        summary.gridSize(),
        summary.rejected(),
        config.out());
    return 0;
  }
}
